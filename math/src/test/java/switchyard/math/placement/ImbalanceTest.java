package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.math.placement.PlacementTest.assertMessage;

class ImbalanceTest {

    @Test
    void theBusiestRankOverTheMean() {
        assertEquals(1.5, Imbalance.of(new double[] {3, 1})); // 3 / 2
        assertEquals(4.0, Imbalance.of(new long[] {0, 0, 8, 0})); // one rank does everything: W
        assertEquals(1.0, Imbalance.of(new double[] {5})); // one rank is always balanced
        assertEquals(1.0, Imbalance.of(new double[] {0, 0, 0})); // no rows: nothing to balance
    }

    @Test
    void replicasShareTheirExpertsLoadEvenly() {
        Placement p = Placement.of(2, new int[] {0, 1, 1}, new int[] {0, 2, 3}); // e0 ×2, e1 ×2 (both on r0)
        double[] loads = {6, 4, 2, 8};
        // r0 = 6/2 + 4/2 + 4/2 = 7; r1 = 6/2 + 2 + 8 = 13; mean 10.
        assertArrayEquals(new double[] {7, 13}, Imbalance.rankLoads(p, loads));
        assertEquals(1.3, Imbalance.expected(p, loads), 1e-12);
    }

    @Test
    void theEstimatedExpertTimeIsTheBusiestRanksRows() {
        // Static W=2 L=2, loads [10, 1, 1, 4]: r0 = 11 rows, r1 = 5; at 0.5 s a row the step waits 5.5 s.
        assertEquals(5.5, Imbalance.estimatedExpertSeconds(Placement.staticMap(2, 2), new double[] {10, 1, 1, 4}, 0.5));
    }

    @Test
    void badInputsAreRefused() {
        assertMessage("an imbalance needs at least 1 rank", () -> Imbalance.of(new double[0]));
        assertMessage("rank loads must be finite and >= 0, got -1.0", () -> Imbalance.of(new double[] {1, -1}));
        assertMessage("loads of 3 experts for a placement of E=4", () -> Imbalance.expected(Placement.staticMap(2, 2), new double[3]));
        assertMessage("the load of expert 1 must be finite and >= 0, got NaN",
                () -> Imbalance.expected(Placement.staticMap(2, 2), new double[] {0, Double.NaN, 0, 0}));
        assertMessage("seconds per row must be finite and >= 0, got -1.0",
                () -> Imbalance.estimatedExpertSeconds(Placement.staticMap(2, 2), new double[4], -1));
    }
}
