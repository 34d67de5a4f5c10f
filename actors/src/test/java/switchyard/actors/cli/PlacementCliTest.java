package switchyard.actors.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.report.MetricsLog;
import switchyard.actors.report.ReportWriter;
import switchyard.actors.report.SweepReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placement options of {@code simulate}: validated, followed by the rank actors, and studied in routing-only runs. */
class PlacementCliTest {
    private static final String SMALL = "simulate --routing-only -W 4 -L 2 -S 64 -M 8 -H 16 --threads 1 --no-progress";

    @Test
    void helpNamesTheOptionsAndTheirDefaults() {
        String text = Cli.run("simulate", "--help").out().replaceAll("\\s+", " ");
        for (String expected : List.of("--placement=POLICY", "(default: static)", "--redundant-experts=R", "--placement-ema=A",
                "(default: 0.5)", "--replan-every=N", "(default: 10 updates)", "--placement-ranks-per-node=G", "--expert-flops=FLOP/S",
                "ASSUMED"))
            assertTrue(text.contains(expected), "simulate --help lacks '" + expected + "'");
    }

    @Test
    void badCombinationsAreOneLineUserErrors() {
        Cli.assertUserError(SMALL + " --redundant-experts 1", "--redundant-experts 1 needs --placement greedy or hierarchical");
        Cli.assertUserError(SMALL + " --placement greedy --placement-ema 0", "--placement-ema must be in (0, 1], got 0.0");
        Cli.assertUserError(SMALL + " --placement greedy --placement-ema 1.5", "--placement-ema must be in (0, 1], got 1.5");
        Cli.assertUserError(SMALL + " --placement greedy --replan-every 0", "--replan-every must be >= 1 update, got 0");
        Cli.assertUserError(SMALL + " --placement random", "--placement must be static, greedy or hierarchical, got 'random'");
        Cli.assertUserError(SMALL + " --placement hierarchical", "--placement hierarchical needs nodes");
        Cli.assertUserError(SMALL + " --placement hierarchical --placement-ranks-per-node 3", "W=4 is not a multiple of 3");
        Cli.assertUserError(SMALL + " --placement hierarchical --placement-ranks-per-node 2 --network topology=2level:4",
                "--placement-ranks-per-node 2 contradicts --network topology=2level:4");
        Cli.assertUserError(SMALL + " --placement-ranks-per-node 2", "--placement-ranks-per-node is for --placement hierarchical");
        Cli.assertUserError("simulate --expert-flops 1e12", "--expert-flops is for --routing-only");
        Cli.assertUserError(SMALL + " --expert-flops -1", "--expert-flops must be a finite number >= 0");
    }

    @Test
    void aPlacedRunPrintsItsReplansAndReportsThePlacementWhereItChanged(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run((SMALL + " --steps 5 --skew 1.2 --placement hierarchical --network topology=2level:2 --redundant-experts 1"
                + " --replan-every 2 --report " + dir).split(" "));
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("placement policy: hierarchical (G=2 ranks per node, 8 expert groups), R=1"), cli.out());
        assertTrue(cli.out().contains("re-plan after update 2: hierarchical, expected rank load imbalance"), cli.out());
        assertTrue(cli.out().contains("re-plan after update 4:"), cli.out());
        assertFalse(cli.out().contains("re-plan after update 5"), "no re-plan after the last update");
        assertTrue(cli.out().contains("rank load ") && cli.out().contains("rank imb"), cli.out());
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertTrue(first.get("placement").getAsString().startsWith("W=4 L=2 R=1 |"), lines.get(0));
        assertFalse(JsonParser.parseString(lines.get(1)).getAsJsonObject().has("placement"), "unchanged placements are not repeated");
        for (String line : lines) assertTrue(JsonParser.parseString(line).getAsJsonObject().get("rank_load_imbalance").getAsDouble() >= 1);
        JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve(ReportWriter.SUMMARY))).getAsJsonObject();
        assertTrue(summary.getAsJsonObject("summary").get("rank_load_imbalance").getAsDouble() >= 1);
        assertEquals(2, summary.getAsJsonObject("outcome").getAsJsonObject("placement").get("replans").getAsInt());
    }

    /** The rank actors follow the planner: experts and their replicas move at the update boundary, and the run completes. */
    @Test
    void theRankActorsReplanAndMoveTheirExperts(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run(("simulate -W 4 -L 2 -S 64 -M 8 -H 16 --steps 5 --skew 1.2 --placement greedy --redundant-experts 1"
                + " --replan-every 2 --no-progress --report " + dir).split(" "));
        assertEquals(0, cli.code(), cli.err() + cli.out());
        assertTrue(cli.out().contains("placement policy: greedy, R=1"), cli.out());
        assertTrue(cli.out().contains("re-plan after update 2: greedy"), cli.out());
        assertTrue(cli.out().contains("digest: "), cli.out());
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        assertTrue(JsonParser.parseString(lines.get(0)).getAsJsonObject().get("placement").getAsString().startsWith("W=4 L=2 R=1 |"));
        // rows per slot, split by the rule, add up per rank to the rows the ranks really received
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            var perSlot = o.getAsJsonArray("rows_per_slot");
            assertEquals(4 * 3, perSlot.size());
            var dispatch = o.getAsJsonObject("rows").getAsJsonArray("dispatch");
            for (int rank = 0; rank < 4; rank++) {
                long slots = 0, received = 0;
                for (int s = 0; s < 3; s++) slots += perSlot.get(rank * 3 + s).getAsLong();
                for (int src = 0; src < 4; src++) received += dispatch.get(src).getAsJsonArray().get(rank).getAsLong();
                assertEquals(received, slots, "rank " + rank + ": " + line);
            }
        }
    }

    /** Without placement options a routing-only run's traffic is what the same run with {@code --placement static} sends. */
    @Test
    void staticPlacementOptionsChangeNoTraffic(@TempDir Path dir) {
        assertEquals(0, Cli.run((SMALL + " --steps 3 --skew 1.2 --report " + dir.resolve("plain")).split(" ")).code());
        assertEquals(0, Cli.run((SMALL + " --steps 3 --skew 1.2 --placement static --placement-ema 0.2 --replan-every 1 --report "
                + dir.resolve("static")).split(" ")).code());
        List<StepMetrics> plain = MetricsLog.read(dir.resolve("plain").resolve(MetricsLog.FILE));
        List<StepMetrics> placed = MetricsLog.read(dir.resolve("static").resolve(MetricsLog.FILE));
        for (int u = 0; u < 3; u++)
            for (int x = 0; x < 4; x++)
                for (int r = 0; r < 4; r++) {
                    assertArrayEquals(plain.get(u).rows()[x][r], placed.get(u).rows()[x][r]);
                    assertArrayEquals(plain.get(u).bytes()[x][r], placed.get(u).bytes()[x][r]);
                }
    }

    @Test
    void aSweepOfPoliciesComparesTheirRankImbalance(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run((SMALL + " --steps 3 --skew 1.2 --replan-every 1 --network topology=2level:2"
                + " --sweep placement=static,greedy,hierarchical --report " + dir).split(" "));
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("sweep of --placement") && cli.out().contains("rank imb."), cli.out());
        for (String run : List.of("placement=static", "placement=greedy", "placement=hierarchical"))
            assertEquals(3, MetricsLog.read(dir.resolve(run).resolve(MetricsLog.FILE)).size(), run);
        String index = Files.readString(dir.resolve(ReportWriter.INDEX));
        assertTrue(index.contains("rank imb.") && index.contains("placement=hierarchical/index.html"), index);
        assertTrue(Files.exists(dir.resolve(SweepReport.RANK_IMBALANCE.file())));
    }
}
