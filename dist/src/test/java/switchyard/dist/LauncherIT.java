package switchyard.dist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code ./switchyard} launcher, on the packaged jar: it prints nothing of its own (nor the JVM's) on stdout. */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "switchyard");

    @Test
    void theLauncherPrintsOnlyWhatSwitchyardPrints() throws Exception {
        Run launched = run(List.of("bash", LAUNCHER.toString(), "--version"));
        assertEquals(0, launched.code, launched.out);
        assertTrue(launched.out.matches("switchyard \\S+\\R"), "stdout: '" + launched.out + "'");
    }

    private record Run(int code, String out) {}

    private static Run run(List<String> command) throws Exception {
        Path out = Files.createTempFile("switchyard-launcher-", ".out");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within 2 minutes");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
