package switchyard.actors.cli;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.report.MetricsLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --skew Z}: the synthetic task's clusters by Zipf's law, so that some experts are hot. */
class SkewCliTest {
    private static final String[] SMALL = {"-W", "4", "-L", "2", "--steps", "5", "-S", "128", "-M", "16", "-H", "32", "--no-progress"};

    private static Cli simulate(Path report, String... more) {
        List<String> args = new ArrayList<>(List.of("simulate"));
        args.addAll(List.of(SMALL));
        args.addAll(List.of(more));
        if (report != null) args.addAll(List.of("--report", report.toString()));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertEquals(0, cli.code(), cli.err());
        return cli;
    }

    private static String digest(Cli cli) {
        return cli.out().lines().filter(l -> l.startsWith("digest: ")).findFirst().orElseThrow(() -> new AssertionError(cli.out()));
    }

    @Test
    void helpOfSimulateAndTrainExplainsTheSkewAndItsDefault() {
        for (String command : List.of("simulate", "train")) {
            Cli help = Cli.run(command, "--help");
            assertEquals(0, help.code());
            String text = help.out().replaceAll("\\s+", " ");
            for (String expected : List.of("--skew=Z", "Zipf", "1/(k+1)^Z", "0 draws clusters uniformly (default: 0.0)"))
                assertTrue(text.contains(expected), command + " --help lacks '" + expected + "': " + text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "NaN", "Infinity"})
    void aSkewThatIsNoExponentIsAUserError(String z) {
        Cli.assertUserError("simulate --skew " + z, "--skew (the Zipf exponent of the task's clusters) must be a finite number >= 0, got "
                + Double.parseDouble(z));
        Cli.assertUserError("simulate --routing-only --skew " + z, "--skew (the Zipf exponent");
    }

    /** Skew 0 is the default's very draw: the same digest as a run that never mentions it. */
    @Test
    void skewZeroIsTheRunWithoutSkew() {
        assertEquals(digest(simulate(null)), digest(simulate(null, "--skew", "0")));
    }

    /**
     * The same seed and job on a skewed task: hot clusters make hot experts, so every step chooses
     * experts more unevenly (selection_imbalance: most chosen expert over the mean), in training
     * and in routing-only mode alike. Measured at this size: about 1.55 uniform, 2.0 at Z=1.2.
     */
    @Test
    void aSkewedTaskMakesHotExperts(@TempDir Path dir) throws Exception {
        Cli hot = simulate(dir.resolve("hot"), "--skew", "1.2");
        assertTrue(hot.out().contains("seed 42, clusters skewed Zipf Z=1.2 of K=8"), "the header says the task is skewed: " + hot.out());
        simulate(dir.resolve("even"), "--skew", "0");
        List<StepMetrics> skewed = MetricsLog.read(dir.resolve("hot").resolve(MetricsLog.FILE));
        List<StepMetrics> uniform = MetricsLog.read(dir.resolve("even").resolve(MetricsLog.FILE));
        assertEquals(5, skewed.size());
        for (int step = 0; step < 5; step++) {
            assertTrue(skewed.get(step).selectionImbalance() > uniform.get(step).selectionImbalance() + 0.2,
                    "step " + (step + 1) + ": skewed " + skewed.get(step).selectionImbalance() + ", uniform " + uniform.get(step).selectionImbalance());
        }
        assertEquals("1.2", JsonParser.parseString(Files.readString(dir.resolve("hot").resolve("summary.json"))).getAsJsonObject()
                .getAsJsonObject("options").get("--skew").getAsString(), "the report records the skew");
    }

    /** A sweep varies the skew like any job option; its skew=0 run routes exactly the tokens of a run without it. */
    @Test
    void aSweepOfSkewsInRoutingOnlyMode(@TempDir Path dir) throws Exception {
        Cli sweep = Cli.run("simulate", "--routing-only", "-W", "8", "-L", "2", "-S", "256", "-M", "16", "--steps", "2", "--threads", "1",
                "--sweep", "skew=0,1.2", "--report", dir.resolve("sweep").toString());
        assertEquals(0, sweep.code(), sweep.err());
        assertTrue(sweep.out().contains("sweep of --skew"), sweep.out());
        Cli plain = Cli.run("simulate", "--routing-only", "-W", "8", "-L", "2", "-S", "256", "-M", "16", "--steps", "2", "--threads", "1",
                "--report", dir.resolve("plain").toString());
        assertEquals(0, plain.code(), plain.err());
        List<StepMetrics> none = MetricsLog.read(dir.resolve("plain").resolve(MetricsLog.FILE));
        List<StepMetrics> zero = MetricsLog.read(dir.resolve("sweep").resolve("skew=0").resolve(MetricsLog.FILE));
        List<StepMetrics> hot = MetricsLog.read(dir.resolve("sweep").resolve("skew=1.2").resolve(MetricsLog.FILE));
        for (int step = 0; step < 2; step++) {
            assertArrayEquals(none.get(step).balance().selections(), zero.get(step).balance().selections(), "step " + (step + 1));
            assertFalse(java.util.Arrays.equals(zero.get(step).balance().selections(), hot.get(step).balance().selections()));
            assertTrue(hot.get(step).selectionImbalance() > zero.get(step).selectionImbalance(),
                    "step " + (step + 1) + ": skewed " + hot.get(step).selectionImbalance() + ", uniform " + zero.get(step).selectionImbalance());
        }
    }
}
