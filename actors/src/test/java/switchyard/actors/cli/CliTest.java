package switchyard.actors.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.report.MetricsLog;
import switchyard.actors.report.Plots;
import switchyard.actors.report.SweepReport;
import switchyard.math.linalg.MatMuls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        Cli node = Cli.run("node", "--help");
        assertEquals(0, node.code());
        String nodeHelp = node.out().replaceAll("\\s+", " ");
        for (String expected : List.of("--driver-lost-timeout=SECONDS", "in seconds", "driver-lost-timeout of the configuration, 30 s", "exit code 1")) {
            assertTrue(nodeHelp.contains(expected), "node --help lacks '" + expected + "'");
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
            "simulate --sweep top-k=1,2 --sweep top-k=2 --report /tmp/x | --top-k is swept twice",
            "simulate --sweep top-k=1,1 --report /tmp/x          | '1' is given twice",
            "report /no/such/report                              | no report directory /no/such/report",
            "simulate --micro-batches 0                          | micro-batches must be >= 1, got 0",
            "simulate --resume /no/such/checkpoint               | no complete checkpoint in /no/such/checkpoint",
            "simulate --routing-only --threads 0                 | --threads must be >= 1, got 0",
            "simulate -W 2 -L 4 --groups 3                       | 3 groups do not divide E=8 experts evenly",
            "simulate -W 2 -L 4 --groups 4 --topk-groups 1 --top-k 3 | top-3 needs at least 3 experts, but 1 kept group of 2 hold 2",
            "simulate --routing expert-choice --top-k 2          | --routing expert-choice takes no --top-k",
            "simulate --routing expert-choice --aux seq          | expert choice takes no token-choice options",
            "simulate --routing both                             | --routing must be token-choice or expert-choice",
            "simulate --score sigmoid --noise gumbel             | Gumbel noise belongs to GShard's later choices",
            "simulate --score tanh                               | score function must be softmax or sigmoid",
            "simulate --aux fancy                                | --aux must be gshard, seq or none",
            "simulate --groups 2 --topk-groups 3                 | top-k groups in 1..2",
            "simulate --shared-experts -1                        | shared experts must be in 0..64",
            "simulate --precision fp16                           | unknown precision 'fp16'; accepted: fp32, bf16",
            "simulate --wire fp8                                 | unknown wire encoding 'fp8'; accepted: fp32, bf16",
            "simulate --keep-checkpoints 0                       | --keep-checkpoints must be at least 1",
            "simulate -W 8 -S 1000000 -M 4096                     | simulate -W 8 -L 2 -S 1000000 -M 4096 -H 256 needs about 615.82 GiB of heap",
            "train --config ../cluster-config/cluster.conf --insecure --deadline 10 | the gather deadline (--deadline, or switchyard.gather-deadline) is 10 s but must be longer than switchyard.acceptable-pause (15 s)",
            "node --config ../cluster-config/cluster.conf --insecure --host-ranks 0 --driver-lost-timeout 0 | --driver-lost-timeout must be a positive number of seconds, got 0.0",
            "node --config ../cluster-config/cluster.conf --host-ranks 0 | this node has no credentials and would accept anyone",
            "train --config ../cluster-config/cluster.conf        | this node has no credentials and would accept anyone",
            "train --config ../cluster-config/cluster.conf --insecure --elastic | --elastic restores the newest checkpoint after a lost node: give --checkpoint-dir DIR",
            "train --config ../cluster-config/cluster.conf --insecure -M 512 -H 2048 --placement greedy --redundant-experts 1 | the replicas' gradients of a rank's 3 expert slots of M=512 H=2048 take a message of about",
            "train --config ../cluster-config/cluster.conf --insecure -M 2048 -H 4096 --placement greedy | moving an expert of M=2048 H=4096 with its adam state takes a message of about",
            "node --config ../cluster-config/cluster.conf --insecure --credentials x --host-ranks 0 | give either --credentials or --insecure, not both",
            "node --config ../cluster-config/cluster.conf --credentials /nonexistent/creds --host-ranks 0 | credentials directory /nonexistent/creds does not exist"})
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

    /** Resuming under other options stops before anything runs, naming the option and both values. */
    @Test
    void aResumeUnderOtherOptionsIsRefusedNamingTheOption(@TempDir Path dir) {
        String ck = dir.resolve("ck").toString();
        String job = "simulate -S 32 -M 8 -H 16 --no-progress ";
        Cli saved = Cli.run((job + "--steps 2 --checkpoint-dir " + ck).split(" "));
        assertEquals(0, saved.code(), saved.err());
        Cli.assertUserError(job + "--steps 4 --resume " + ck + " --top-k 1",
                "--resume " + ck + ": the checkpoint was made with --top-k 2, this run has --top-k 1");
        Cli.assertUserError(job + "--steps 4 --resume " + ck + " --optimizer adam:lr=0.01",
                "--resume " + ck + ": the checkpoint was made with --optimizer adam:lr=0.003, this run has --optimizer adam:lr=0.01");
        Cli.assertUserError(job + "--steps 4 --resume " + ck + " -W 1 -L 4", "the checkpoint was made by W=2 ranks, this run has W=1");
        Cli resumed = Cli.run((job + "--steps 4 --resume " + ck).split(" "));
        assertEquals(0, resumed.code(), resumed.err());
    }

    /** A refused resume names the flag to change, so every option a checkpoint records is one. */
    @Test
    void theOptionsACheckpointRecordsAreNamedAsOnTheCommandLine() {
        picocli.CommandLine.Model.CommandSpec simulate = Main.commandLine().getSubcommands().get("simulate").getCommandSpec();
        for (String name : switchyard.actors.sim.SimulationOptions.defaults().signature().options().keySet()) {
            if (name.equals("experts") || name.equals("normalize-weights")) continue; // derived from -W and -L; no flag, always on
            assertTrue(simulate.findOption("--" + name) != null, "--" + name + " is not an option of simulate");
        }
    }

    @Test
    void aRunOverItsTimeLimitFailsSayingTheLimit() {
        Cli cli = Cli.run("simulate", "--timeout", "0.001");
        assertEquals(1, cli.code(), cli.err());
        assertTrue(cli.out().contains("FAILED: the run did not finish within 0.001 s"), cli.out());
    }

    /** The header says what the expert products run on and how rows travel, so a reader knows which numbers these are. */
    @Test
    void bf16RunsSayWhatIsRoundedInTheirHeader() {
        Cli cli = Cli.run("simulate", "--steps", "2", "--precision", "bf16", "--wire", "bf16");
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("expert products: bf16 on "), cli.out());
        assertTrue(cli.out().contains("exchanged rows: bf16"), cli.out());
        Cli fp32 = Cli.run("simulate", "--steps", "2");
        assertTrue(fp32.out().contains("expert products: fp32 on ") && fp32.out().contains("exchanged rows: fp32"), fp32.out());
    }

    @Test
    void aDivergingRunFailsNamingTheStepAndTheRank() {
        // a learning rate this high overflows the parameters after the first update
        Cli cli = Cli.run("simulate", "-S", "64", "-M", "16", "-H", "32", "--steps", "10", "--optimizer", "sgd:lr=1e30", "--timeout", "120");
        assertEquals(1, cli.code(), cli.out() + cli.err());
        assertTrue(cli.out().matches("(?s).*FAILED: step 1: rank [01]'s loss is NaN \\(the training diverged.*"), cli.out());
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
    void aDeepSeekShapedRouterIsStudiedWithItsBiasGroupsAndPlots(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run("simulate", "--routing-only", "-W", "16", "-L", "2", "-S", "64", "-M", "8", "--steps", "3",
                "--top-k", "4", "--score", "sigmoid", "--groups", "8", "--topk-groups", "4", "--bias-update-rate", "0.01",
                "--aux", "seq", "--dropless", "--shared-experts", "1", "--threads", "1", "--report", dir.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("top-4, sigmoid, groups 8/4, bias γ=0.01, seq loss, dropless, 1 shared expert (H=256)"), cli.out());
        List<StepMetrics> steps = MetricsLog.read(dir.resolve(MetricsLog.FILE));
        double[] first = steps.get(0).balance().selectionBias(), second = steps.get(1).balance().selectionBias();
        assertEquals(32, first.length);
        int moved = 0;
        for (int e = 0; e < 32; e++) {
            double step = second[e] - first[e];
            assertTrue(Math.abs(step) < 1e-6 || Math.abs(Math.abs(step) - 0.01) < 1e-6, "expert " + e + " moved by " + step);
            if (Math.abs(step) > 1e-6) moved++;
        }
        assertTrue(moved > 0, "the bias moved after the first update");
        long[] spanned = steps.get(0).balance().groupsSpanned();
        assertEquals(9, spanned.length);
        assertEquals(16 * 64, java.util.Arrays.stream(spanned).sum(), "every token spans some number of groups");
        assertEquals(0, spanned[0] + spanned[5] + spanned[6] + spanned[7] + spanned[8], "4 experts within 4 kept groups span 1 to 4");
        assertTrue(Files.exists(dir.resolve(Plots.SELECTION_BIAS.file())) && Files.exists(dir.resolve(Plots.BALANCE.file())));
    }

    @Test
    void aSweepOfBalanceLossesComparesTheirImbalance(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run("simulate", "--routing-only", "-W", "4", "-L", "2", "-S", "64", "-M", "8", "--steps", "2",
                "--top-k", "2", "--noise", "none", "--threads", "1", "--sweep", "aux=gshard,seq,none", "--report", dir.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("sweep of --aux") && cli.out().contains("imbalance"), cli.out());
        double none = MetricsLog.read(dir.resolve("aux=none").resolve(MetricsLog.FILE)).get(0).lAux();
        double seq = MetricsLog.read(dir.resolve("aux=seq").resolve(MetricsLog.FILE)).get(0).lAux();
        assertEquals(0.0, none, "no balance loss");
        assertTrue(seq > 0, "the sequence-wise loss of a routing");
        assertTrue(Files.exists(dir.resolve(SweepReport.IMBALANCE.file())));
        assertTrue(Files.exists(dir.resolve(SweepReport.LOSS.file())), "the sweep plots every run's loss");
    }

    @Test
    void twoSweepsRunEveryCombinationOnTheSameTokens(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run("simulate", "--routing-only", "-W", "4", "-L", "2", "-S", "64", "-M", "8", "--steps", "3",
                "--top-k", "2", "--score", "sigmoid", "--threads", "1", "--sweep", "aux=seq,none", "--sweep", "bias-update-rate=0,0.01",
                "--report", dir.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("sweep of --aux × --bias-update-rate"), cli.out());
        List<String> runs = List.of("aux=seq+bias-update-rate=0", "aux=seq+bias-update-rate=0.01", "aux=none+bias-update-rate=0",
                "aux=none+bias-update-rate=0.01");
        long[] firstSelections = null;
        for (String run : runs) {
            List<StepMetrics> steps = MetricsLog.read(dir.resolve(run).resolve(MetricsLog.FILE));
            assertEquals(3, steps.size(), run);
            if (firstSelections == null) firstSelections = steps.get(0).balance().selections();
            assertArrayEquals(firstSelections, steps.get(0).balance().selections(), run + " routes the same tokens before any update");
            double[] bias = steps.get(2).balance().selectionBias();
            boolean moved = java.util.Arrays.stream(bias).anyMatch(b -> b != 0);
            assertEquals(run.endsWith("0.01"), moved, run + ": the bias moves only with a rate");
            assertEquals(run.startsWith("aux=none"), steps.get(0).lAux() == 0.0, run + ": the balance loss is there only with seq");
        }
        assertTrue(Files.readString(dir.resolve("index.html")).contains("aux=none+bias-update-rate=0.01/index.html"));
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
