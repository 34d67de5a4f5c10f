package switchyard.actors.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.report.MetricsLog;
import switchyard.math.linalg.MatMuls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line through picocli's API: help, user errors, option parsing. */
class CliTest {

    @Test
    void helpListsTheCommandsAndEveryOptionWithDefaultsAndUnits() {
        Cli root = Cli.run("--help");
        assertEquals(0, root.code());
        assertTrue(root.out().contains("simulate") && root.out().contains("report"), root.out());

        Cli simulate = Cli.run("simulate", "--help");
        assertEquals(0, simulate.code());
        String help = simulate.out().replaceAll("\\s+", " ").replace(", ", ","); // picocli wraps, also after commas
        for (String expected : List.of("--ranks=W", "(default: 2)", "--routing-only", "--report=DIR", "--sweep",
                "--[no-]progress", "Default: latency=5us,bandwidth=100Gbps", "Gbps", "GB/s", "2level", "seconds", "--config=FILE")) {
            assertTrue(help.contains(expected), "simulate --help lacks '" + expected + "'");
        }
        Cli report = Cli.run("report", "--help");
        assertEquals(0, report.code());
        assertTrue(report.out().contains("DIR") && report.out().contains("--network"), report.out());
    }

    @Test
    void descriptionsOfSeveralLinesKeepTheirShapeInTheHelp() {
        // picocli rewraps a line wider than the help, which breaks a table's columns; a one-line
        // description is a paragraph, and is meant to be wrapped
        picocli.CommandLine root = Main.commandLine();
        List<picocli.CommandLine> commands = new java.util.ArrayList<>(root.getSubcommands().values());
        commands.add(root);
        for (picocli.CommandLine c : commands) {
            int width = c.getUsageHelpWidth();
            String[] lines = c.getCommandSpec().usageMessage().description();
            if (lines.length < 2) continue;
            for (String line : lines) {
                assertTrue(line.codePointCount(0, line.length()) <= width,
                        c.getCommandName() + "'s description has a line wider than " + width + " columns: " + line);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "simulate --ranks 0                                  | ranks must be in 1..1024",
            "simulate --ranks many                               | 'many' is not an int",
            "simulate --no-such-flag                             | Unknown option",
            "simulate -W 2 -L 2 --top-k 5                        | top-5 needs at least 5 experts",
            "simulate --network latency=5                        | '5' is not a time with a unit",
            "simulate --network latency=5us,topology=ring        | topology must be flat or 2level",
            "simulate --config /no/such/file.conf                | config file /no/such/file.conf does not exist",
            "simulate --noise loud                               | --noise must be gumbel, jitter or none",
            "simulate --sweep top-k=1,2                          | --sweep needs --report DIR",
            "simulate --sweep dropless=1,2 --report /tmp/x       | is a switch",
            "simulate --sweep top-k                              | --sweep must be OPTION=V1,V2",
            "report /no/such/report                              | no report directory /no/such/report",
            "simulate --micro-batches 0                          | micro-batches must be >= 1, got 0",
            "simulate --resume /no/such/checkpoint               | no complete checkpoint in /no/such/checkpoint",
            "simulate --routing-only --threads 0                 | --threads must be >= 1, got 0"})
    void userErrorsAreOneLineAndExitTwo(String args, String message) {
        Cli.assertUserError(args, message);
    }

    @Test
    void outputDirectoriesThatCannotBeMadeAreRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        String under = file.resolve("sub").toString();
        for (String[] args : List.of(
                new String[] {"simulate", "--checkpoint-dir", under},
                new String[] {"simulate", "--report", under})) {
            Cli cli = Cli.run(args);
            assertEquals(2, cli.code(), String.join(" ", args) + ": " + cli.err());
            assertTrue(cli.err().startsWith("switchyard: ") && cli.err().contains(under), cli.err());
            assertEquals("", cli.out(), "nothing ran: " + String.join(" ", args));
        }
    }

    @Test
    void aRunOverItsTimeLimitFailsSayingTheLimit() {
        Cli cli = Cli.run("simulate", "--timeout", "0.001");
        assertEquals(1, cli.code(), cli.err());
        assertTrue(cli.out().contains("FAILED: the run did not finish within 0.001 s"), cli.out());
    }

    @Test
    void verboseAddsTheDetails() {
        Cli cli = Cli.run("simulate", "--network", "latency=5", "--verbose");
        assertEquals(2, cli.code());
        assertTrue(cli.err().contains("at switchyard.actors.network.Units"), cli.err());
    }

    @Test
    void routingOnlyOptionsAreParsedIntoTheRunAndItsReport(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run("simulate", "--routing-only", "-W", "4", "-L", "2", "-S", "48", "-M", "8", "--steps", "2",
                "--capacity-factor", "1.5", "--top-k", "1", "--threads", "1", "--network",
                "latency=1us,bandwidth=10GB/s,topology=2level:2,overlap", "--report", dir.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("--routing-only: W=4 ranks x L=2 experts (E=8), S=48"), cli.out());
        assertTrue(cli.out().contains("2level groups of 2"), cli.out());
        assertTrue(cli.out().contains("matrix kernel: " + MatMuls.describe(MatMuls.best()) + "\n"), "the header names the kernel: " + cli.out());
        assertTrue(cli.out().contains("communication overlaps compute"), cli.out());
        assertFalse(cli.out().contains("digest:"), "a routing-only run has no parameters to digest");
        JsonObject options = JsonParser.parseString(Files.readString(dir.resolve("summary.json"))).getAsJsonObject()
                .getAsJsonObject("options");
        assertEquals("1.5", options.get("--capacity-factor").getAsString());
        assertEquals("1", options.get("--top-k").getAsString());
        List<StepMetrics> steps = MetricsLog.read(dir.resolve(MetricsLog.FILE));
        assertEquals(2, steps.size());
        // top-1, CF 1.5: C = ceil(1·1.5·48/8) = 9 per rank, 4 ranks bring 36 slots per expert
        assertEquals(9, steps.get(0).capacity());
        assertEquals(36, steps.get(0).slots());
        assertEquals(4 * 48, steps.get(0).keptAssignments() + steps.get(0).droppedAssignments());
    }

    @Test
    void aSweepRunsEveryValueOnTheSameTokensAndComparesThem(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run("simulate", "--routing-only", "-W", "2", "-L", "2", "-S", "64", "-M", "8", "--steps", "2",
                "--threads", "1", "--sweep", "capacity-factor=0.5,2", "--report", dir.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("sweep of --capacity-factor"), cli.out());
        List<StepMetrics> tight = MetricsLog.read(dir.resolve("capacity-factor=0.5").resolve(MetricsLog.FILE));
        List<StepMetrics> loose = MetricsLog.read(dir.resolve("capacity-factor=2").resolve(MetricsLog.FILE));
        assertEquals(tight.get(0).tokens(), loose.get(0).tokens());
        assertTrue(tight.get(0).droppedAssignments() > loose.get(0).droppedAssignments(), "a smaller capacity drops more");
        assertEquals(tight.get(0).lAux(), loose.get(0).lAux(), 0.0, "the same tokens are routed: only the capacity differs");
        String index = Files.readString(dir.resolve("index.html"));
        assertTrue(index.contains("capacity-factor=0.5/index.html") && index.contains("sweep-dropped.png"), index);
        assertTrue(Files.exists(dir.resolve("capacity-factor=2").resolve("index.html")));
    }
}
