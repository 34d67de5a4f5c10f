package switchyard.actors.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the command line in-process through picocli, capturing both streams. */
public record Cli(int code, String out, String err) {
    public static Cli run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /**
     * Runs {@code commandLine} (words split on blanks) and checks it is a user error: exit code 2,
     * one line on stderr saying {@code message}, no stack trace, and nothing on stdout.
     */
    public static void assertUserError(String commandLine, String message) {
        Cli cli = run(commandLine.trim().split("\\s+"));
        assertEquals(2, cli.code(), cli.err());
        List<String> lines = cli.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + cli.err());
        assertTrue(lines.get(0).startsWith("switchyard: ") && lines.get(0).contains(message), lines.get(0));
        assertEquals("", cli.out());
    }
}
