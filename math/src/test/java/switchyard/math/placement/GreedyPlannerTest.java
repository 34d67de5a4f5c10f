package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static switchyard.math.placement.PlacementTest.assertMessage;

/**
 * Hand-computed plans. Notation: {@code eN} is logical expert N, {@code rN} rank N, {@code [x]} a
 * rank's load after a step. Replicas first (each spare to the highest load per replica; ties:
 * fewer replicas, then lower id), then packing (heaviest first, ties lower expert; onto the
 * lightest rank with a free slot, ties fewer filled slots, then lower rank), then each rank's
 * slots in ascending expert id.
 */
class GreedyPlannerTest {
    private static final Planner GREEDY = new GreedyPlanner();

    @Test
    void theWorkedExampleOfTheDocs() {
        double[] loads = {10, 1, 1, 4};
        // Spares (W·R = 2): 10/1 highest → e0 (10/2 = 5); 5 > 4/1 → e0 again (10/3 = 3.33 each).
        // Items: e3 4, e0 3.33 ×3, e1 1, e2 1.
        // e3 → r0 [4]; e0 → r1 [3.33]; e0 → r1 [6.67] (3.33 < 4); e0 → r0 [7.33] (4 < 6.67);
        // e1 → r1 [7.67] (6.67 < 7.33), r1 full; e2 → r0 [8.33].
        Placement p = GREEDY.plan(loads, 2, 2, 1);
        assertEquals("W=2 L=2 R=1 | 0 2 3 | 0 0 1", p.toString());
        assertArrayEquals(new double[] {10.0 / 3 + 4 + 1, 2 * 10.0 / 3 + 1}, Imbalance.rankLoads(p, loads), 1e-12);
        assertEquals((10.0 / 3 + 5) / 8, Imbalance.expected(p, loads), 1e-12); // 8.33 / (16 / 2) = 1.04
        assertEquals(11.0 / 8, Imbalance.expected(Placement.staticMap(2, 2), loads), 1e-12); // r0 = 10 + 1
        assertTrue(Imbalance.expected(p, loads) < Imbalance.expected(Placement.staticMap(2, 2), loads));
        // Without spares: e0 → r0 [10]; e3 → r1 [4]; e1 → r1 [5], full; e2 → r0 [11]. No better than static:
        // e0 alone carries more than the mean.
        Placement noSpare = GREEDY.plan(loads, 2, 2, 0);
        assertEquals("W=2 L=2 R=0 | 0 2 | 1 3", noSpare.toString());
        assertEquals(11.0 / 8, Imbalance.expected(noSpare, loads), 1e-12);
    }

    @Test
    void withoutSparesItOnlyPacks() {
        double[] loads = {5, 4, 2, 1};
        // e0 → r0 [5]; e1 → r1 [4]; e2 → r1 [6]; e3 → r0 [6]. Static: r0 = 9, r1 = 3.
        Placement p = GREEDY.plan(loads, 2, 2, 0);
        assertEquals("W=2 L=2 R=0 | 0 3 | 1 2", p.toString());
        assertEquals(1.0, Imbalance.expected(p, loads));
        assertEquals(1.5, Imbalance.expected(Placement.staticMap(2, 2), loads)); // 9 / 6
    }

    @Test
    void equalLoadsSpreadTheSparesAndTheReplicas() {
        double[] loads = {3, 3, 3, 3};
        // Spares: all at 3 with one replica → e0 (lowest id); then e1..e3 at 3 beat e0's 1.5 → e1.
        // Items: e2 3, e3 3, e0 1.5 ×2, e1 1.5 ×2 (equal weights in expert order).
        // e2 → r0 [3] (tie: lower rank); e3 → r1 [3]; e0 → r0 [4.5] (tie: both hold 1 slot, lower rank);
        // e0 → r1 [4.5]; e1 → r0 [6]; e1 → r1 [6].
        assertEquals("W=2 L=2 R=1 | 0 1 2 | 0 1 3", GREEDY.plan(loads, 2, 2, 1).toString());
    }

    @Test
    void aTieInLoadPerReplicaGoesToTheExpertWithFewerReplicas() {
        double[] loads = {4, 2, 1, 1};
        // Spare 1: e0 (4). Spare 2: e0 has 4/2 = 2, e1 has 2/1 = 2: the tie goes to e1, the one with
        // fewer replicas (by lower id alone it would go to e0: replicas 4/3 ×3, e1 2, e2 1, e3 1,
        // packed to ranks of 4.33 and 3.67).
        // Items: e0 2 ×2, e1 1 ×2, e2 1, e3 1. e0 → r0 [2]; e0 → r1 [2]; e1 → r0 [3]; e1 → r1 [3];
        // e2 → r0 [4]; e3 → r1 [4].
        Placement p = GREEDY.plan(loads, 2, 2, 1);
        assertEquals("W=2 L=2 R=1 | 0 1 2 | 0 1 3", p.toString());
        assertEquals(1.0, Imbalance.expected(p, loads));
    }

    @Test
    void oneHotExpertTakesEverySpare() {
        double[] loads = {100, 1, 1, 1};
        // W=4 L=1 R=1: 4 spares, all to e0 (100/4 = 25 > 1, 100/5 = 20 > 1): 5 replicas of 20.
        // e0 → r0, r1, r2, r3 [20 each]; the fifth e0 → r0 [40] (all tied at 20 with 1 slot: lower rank),
        // r0 full; e1 → r1 [21]; e2 → r2 [21]; e3 → r3 [21].
        Placement p = GREEDY.plan(loads, 4, 1, 1);
        assertEquals("W=4 L=1 R=1 | 0 0 | 0 1 | 0 2 | 0 3", p.toString());
        assertEquals(5, p.replicas(0));
        assertEquals(40 / (103.0 / 4), Imbalance.expected(p, loads), 1e-12); // 1.55
        assertEquals(100 / (103.0 / 4), Imbalance.expected(Placement.staticMap(4, 1), loads), 1e-12); // 3.88
        // Not the best placement: e0 on every rank once plus e1 twice gives 25.5, 25.5, 26, 26 (1.01).
        // Replication minimises the load per replica, not per rank; docs/placement.md says so.
    }

    @Test
    void moreSparesThanExperts() {
        double[] loads = {3, 1};
        // W=2 L=1 R=2: E = 2 experts, W·R = 4 spares, 3 slots per rank.
        // Spares: e0 (3 > 1) → 1.5; e0 (1.5 > 1) → 1; tie e0 1 = e1 1, e1 has fewer replicas → e1 (0.5);
        // e0 (1 > 0.5) → 4 replicas of 0.75. Items: e0 0.75 ×4, e1 0.5 ×2.
        // e0 → r0 [0.75]; e0 → r1 [0.75]; e0 → r0 [1.5]; e0 → r1 [1.5]; e1 → r0 [2]; e1 → r1 [2].
        Placement p = GREEDY.plan(loads, 2, 1, 2);
        assertEquals("W=2 L=1 R=2 | 0 0 1 | 0 0 1", p.toString());
        assertEquals(1.0, Imbalance.expected(p, loads));
    }

    @Test
    void allLoadsZero() {
        // Every comparison ties. Spares: e0 (lowest id), then e1 (fewer replicas than e0).
        // Items all 0 in expert order: e0, e0, e1, e1, e2, e3; every rank stays at 0, so each goes to
        // the rank with fewer filled slots: r0, r1, r0, r1, r0, r1.
        double[] zero = new double[4];
        assertEquals("W=2 L=2 R=1 | 0 1 2 | 0 1 3", GREEDY.plan(zero, 2, 2, 1).toString());
        assertEquals("W=2 L=2 R=0 | 0 2 | 1 3", GREEDY.plan(zero, 2, 2, 0).toString());
        assertEquals(1.0, Imbalance.expected(GREEDY.plan(zero, 2, 2, 1), zero));
        double[] negativeZero = {-0.0, 0.0, -0.0, 0.0}; // −0.0 is a zero load, not a lighter one
        assertEquals(GREEDY.plan(zero, 2, 2, 1), GREEDY.plan(negativeZero, 2, 2, 1));
    }

    @Test
    void oneRank() {
        // W=1: every item goes to rank 0; the spare goes to e1 (5).
        assertEquals("W=1 L=3 R=1 | 0 1 1 2", GREEDY.plan(new double[] {1, 5, 2}, 1, 3, 1).toString());
        assertEquals(Placement.staticMap(1, 3), GREEDY.plan(new double[] {1, 5, 2}, 1, 3, 0));
    }

    @Test
    void theSameInputsGiveTheSamePlacement() {
        double[] loads = {0.1, 7, 7, 0.3, 2.5, 2.5, 9, 0};
        Placement first = GREEDY.plan(loads, 4, 2, 2);
        Placement second = GREEDY.plan(loads.clone(), 4, 2, 2);
        assertNotSame(first, second);
        assertEquals(first, second);
        assertEquals(first.toString(), second.toString());
        assertArrayEquals(new double[] {0.1, 7, 7, 0.3, 2.5, 2.5, 9, 0}, loads); // the loads are not touched
    }

    @Test
    void badInputsAreRefused() {
        assertMessage("greedy placement of E=W·L=4 experts was given loads of 3", () -> GREEDY.plan(new double[3], 2, 2, 1));
        assertMessage("greedy placement: the load of expert 1 must be finite and >= 0, got -1.0",
                () -> GREEDY.plan(new double[] {0, -1, 0, 0}, 2, 2, 1));
        assertMessage("greedy placement: the load of expert 2 must be finite and >= 0, got NaN",
                () -> GREEDY.plan(new double[] {0, 0, Double.NaN, 0}, 2, 2, 1));
        assertMessage("greedy placement: the load of expert 0 must be finite and >= 0, got Infinity",
                () -> GREEDY.plan(new double[] {Double.POSITIVE_INFINITY, 0, 0, 0}, 2, 2, 1));
        assertMessage("greedy placement needs at least 1 rank, got W=0", () -> GREEDY.plan(new double[0], 0, 2, 1));
        assertMessage("greedy placement needs at least 1 expert per rank, got L=0", () -> GREEDY.plan(new double[0], 2, 0, 1));
        assertMessage("greedy placement: redundant experts per rank must be >= 0, got R=-1",
                () -> GREEDY.plan(new double[4], 2, 2, -1));
    }
}
