package switchyard.actors.sim;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.Phase;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;
import switchyard.math.placement.ReplicaSplit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing-only runs under a placement: the traffic goes where the placement and {@link ReplicaSplit} say. */
class PlacedRoutingTest {
    private static final RoutingOptions ROUTING = RoutingOptions.builder().auxLossWeight(0.01f).build();

    private static SimulationOptions job(int w, int l, int tokens, int steps, double skew) {
        return new SimulationOptions(w, l, tokens, 16, 32, 8, steps, 1, false, 7, ROUTING, OptimizerSpec.parse("adam:lr=0.01"),
                "vector", Duration.ofSeconds(30), ExchangeSettings.direct(), null).withSkew(skew);
    }

    private static PlacementOptions policy(String name, int redundant, int replanEvery) {
        return new PlacementOptions(name, redundant, 0.5, replanEvery, 0, 0);
    }

    private static double meanRankImbalance(List<StepMetrics> steps) {
        return steps.stream().mapToDouble(StepMetrics::rankLoadImbalance).average().orElseThrow();
    }

    @Test
    void rowsOfOneSourceGoToTheReplicasRanksAsTheSplitSays() {
        // docs/placement.md's worked example: rank 0 holds experts 0, 2, 3; rank 1 holds expert 0 twice and expert 1.
        // Source 1 keeps 7, 2, 1, 4 rows for experts 0..3. Expert 0 has 3 replicas: 7 = 2·3 + 1, the extra row
        // to replica (1 + 0) mod 3 = 1, so 2, 3, 2 rows to (0,0), (1,0), (1,1): rank 0 gets 2, rank 1 gets 5.
        // Expert 1 (rank 1) adds 2 to rank 1; experts 2 and 3 (rank 0) add 1 + 4 to rank 0: [7, 7].
        PlacedRouting placed = new PlacedRouting(policy("greedy", 1, 10), Placement.of(2, new int[]{0, 2, 3}, new int[]{0, 0, 1}));
        assertArrayEquals(new int[]{7, 7}, placed.rowsToRanks(1, new int[]{7, 2, 1, 4}));
        // source 0 starts at replica 0: 3, 2, 2 rows, so rank 0 gets 3 + 1 + 4 = 8 and rank 1 gets 4 + 2 = 6
        assertArrayEquals(new int[]{8, 6}, placed.rowsToRanks(0, new int[]{7, 2, 1, 4}));
    }

    /**
     * W=2, L=1: under the static map, rows[s][d] is exactly what source s kept for expert d. Under the
     * hand-built {@code | 0 1 | 0 0} (expert 0 on three slots: rank 0, then twice rank 1) the same
     * routing must send expert 0's rows split by ReplicaSplit, and expert 1's rows all to rank 0.
     */
    @Test
    void aHandBuiltPlacementMovesTheRowsToTheReplicaRanks() {
        SimulationOptions o = job(2, 1, 64, 2, 0);
        List<StepMetrics> plain = RoutingOnly.run(o, 1, null).steps();
        Placement hand = Placement.of(1, new int[]{0, 1}, new int[]{0, 0});
        PlacedRouting placed = new PlacedRouting(policy("greedy", 1, 100), hand);
        List<StepMetrics> moved = RoutingOnly.run(o, 1, placed, ExpertComputeEstimate.none(), null, null).steps();
        int d = Exchange.DISPATCH.ordinal();
        for (int u = 0; u < plain.size(); u++) {
            long[][] kept = plain.get(u).rows()[d]; // kept[s][e]
            long[][] expected = new long[2][2];
            for (int s = 0; s < 2; s++) {
                int[] split = ReplicaSplit.counts(s, (int) kept[s][0], 3); // replicas (0,0), (1,0), (1,1)
                expected[s][0] = split[0] + kept[s][1];
                expected[s][1] = split[1] + split[2];
            }
            StepMetrics m = moved.get(u);
            assertArrayEquals(plain.get(u).tokensPerExpert(), m.tokensPerExpert(), "the placement must not change the routing");
            for (int s = 0; s < 2; s++) {
                assertArrayEquals(expected[s], m.rows()[d][s], "update " + u + " source " + s);
                for (int t = 0; t < 2; t++) {
                    assertEquals(expected[s][t], m.rows()[Exchange.EXPERT_OUTPUT.ordinal()][t][s], "answers retrace the dispatch");
                    // a block's header counts rows per slot of the owner: L + R = 2 of them
                    assertEquals(ExchangePart.wireBytes(2, expected[s][t], o.modelDim(), RowEncoding.FP32), m.bytes()[d][s][t]);
                }
            }
        }
    }

    /** The static placement, given explicitly with any EMA and re-plan period, is today's traffic: the rank actors' own. */
    @Test
    void staticPlacementIsTodaysTraffic() {
        SimulationOptions o = job(3, 2, 48, 3, 1.2);
        List<StepMetrics> plain = RoutingOnly.run(o, 2, null).steps();
        List<StepMetrics> placed = RoutingOnly.run(o, 2, new PlacementOptions("static", 0, 0.3, 1, 0, 0),
                ExpertComputeEstimate.none(), null, null).steps();
        for (int u = 0; u < plain.size(); u++) {
            for (Exchange x : Exchange.values()) {
                for (int r = 0; r < 3; r++) {
                    assertArrayEquals(plain.get(u).rows()[x.ordinal()][r], placed.get(u).rows()[x.ordinal()][r]);
                    assertArrayEquals(plain.get(u).bytes()[x.ordinal()][r], placed.get(u).bytes()[x.ordinal()][r]);
                }
            }
        }
        // and "today" is what the rank actors send: their first update (before the gate learns) is the reference
        RunListener.Outcome actors = Simulation.run(o.withSteps(1), ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(actors.succeeded(), actors::failure);
        for (Exchange x : Exchange.values())
            for (int r = 0; r < 3; r++)
                assertArrayEquals(actors.steps().get(0).bytes()[x.ordinal()][r], placed.get(0).bytes()[x.ordinal()][r], x + " from " + r);
    }

    /** Issue 22's study: hot experts from a skewed task, one spare slot per rank, greedy re-planning. */
    @Test
    void greedyWithReplicasBalancesTheRanksBetterThanStatic() {
        SimulationOptions o = job(8, 2, 256, 12, 1.2);
        double fixed = meanRankImbalance(RoutingOnly.run(o, 2, null).steps());
        List<PlacedRouting.Change> changes = new ArrayList<>();
        double greedy = meanRankImbalance(RoutingOnly.run(o, 2, policy("greedy", 1, 3), ExpertComputeEstimate.none(), changes::add,
                null).steps());
        assertTrue(greedy < fixed, "greedy R=1: mean rank_load_imbalance " + greedy + ", static: " + fixed);
        assertEquals(4, changes.size(), "the first placement and a re-plan after updates 3, 6, 9: " + changes);
        assertEquals(List.of(0, 3, 6, 9), changes.stream().map(PlacedRouting.Change::firstUpdate).toList());
        assertTrue(changes.get(1).expectedAfter() <= changes.get(1).expectedBefore(), changes.get(1).toString());
    }

    @Test
    void theSameOptionsGiveTheSameMetricsTwice() {
        SimulationOptions o = job(4, 2, 64, 6, 1.2);
        PlacementOptions p = policy("greedy", 1, 2);
        ExpertComputeEstimate e = new ExpertComputeEstimate(o.modelDim(), o.hiddenDim(), 1e12);
        List<String> firstChanges = new ArrayList<>(), secondChanges = new ArrayList<>();
        List<StepMetrics> first = RoutingOnly.run(o, 2, p, e, c -> firstChanges.add(c.placement().toString()), null).steps();
        List<StepMetrics> second = RoutingOnly.run(o, 1, p, e, c -> secondChanges.add(c.placement().toString()), null).steps();
        assertEquals(firstChanges, secondChanges);
        for (int u = 0; u < first.size(); u++) {
            StepMetrics a = first.get(u), b = second.get(u);
            assertArrayEquals(a.tokensPerExpert(), b.tokensPerExpert());
            assertEquals(a.rankLoadImbalance(), b.rankLoadImbalance(), 0.0);
            for (Exchange x : Exchange.values())
                for (int r = 0; r < 4; r++) assertArrayEquals(a.bytes()[x.ordinal()][r], b.bytes()[x.ordinal()][r]);
            for (int r = 0; r < 4; r++) {
                // the expert estimate comes from the rows alone, not from any clock
                assertEquals(a.phaseNanos()[r][Phase.EXPERT_FORWARD.ordinal()], b.phaseNanos()[r][Phase.EXPERT_FORWARD.ordinal()]);
                assertEquals(a.phaseNanos()[r][Phase.EXPERT_BACKWARD.ordinal()], b.phaseNanos()[r][Phase.EXPERT_BACKWARD.ordinal()]);
            }
        }
    }

    /** 12·M·H FLOPs per received row: a third forward, two thirds backward, at the assumed rate, on the rank that received them. */
    @Test
    void theExpertEstimateChargesEachRankItsReceivedRows() {
        SimulationOptions o = job(2, 2, 64, 1, 0);
        ExpertComputeEstimate e = new ExpertComputeEstimate(16, 32, 1e9); // 4·16·32 = 2048 FLOPs forward per row: 2048 ns
        StepMetrics m = RoutingOnly.run(o, 1, PlacementOptions.staticMap(), e, null, null).steps().get(0);
        long[] received = m.rowsPerRank();
        for (int r = 0; r < 2; r++) {
            assertEquals(received[r] * 2048, m.phaseNanos()[r][Phase.EXPERT_FORWARD.ordinal()]);
            assertEquals(received[r] * 4096, m.phaseNanos()[r][Phase.EXPERT_BACKWARD.ordinal()]);
        }
    }
}
