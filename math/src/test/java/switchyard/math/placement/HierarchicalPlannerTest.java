package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static switchyard.math.placement.PlacementTest.assertMessage;

/** Hand-computed plans; the notation of {@link GreedyPlannerTest}, plus {@code gN} group N and {@code nN} node N. */
class HierarchicalPlannerTest {

    @Test
    void twoNodesByHand() {
        // W=4 ranks, G=2 per node: n0 = r0, r1; n1 = r2, r3. L=2 → E = 8; R=1 → 3 slots per rank.
        // 4 groups of 2: g0 = e0 e1, g1 = e2 e3, g2 = e4 e5, g3 = e6 e7.
        double[] loads = {8, 2, 6, 6, 1, 1, 5, 3};
        // 1. Group loads [10, 12, 2, 8], 2 groups per node, heaviest first onto the lighter node:
        //    g1 → n0 [12]; g0 → n1 [10]; g3 → n1 [18] (10 < 12), n1 full; g2 → n0 [14].
        //    n0 holds e2 e3 e4 e5, n1 holds e0 e1 e6 e7.
        // 2. n0: 2 spares: e2 (6, tie with e3: lower id) → 3; then e3 (6) → 3. Items e2 3 ×2, e3 3 ×2, e4 1, e5 1.
        //    e2 → r0 [3]; e2 → r1 [3]; e3 → r0 [6]; e3 → r1 [6]; e4 → r0 [7]; e5 → r1 [7].
        // 3. n1: 2 spares: e0 (8) → 4; then e6 (5 > 4) → 2.5. Items e0 4 ×2, e7 3, e6 2.5 ×2, e1 2.
        //    e0 → r2 [4]; e0 → r3 [4]; e7 → r2 [7]; e6 → r3 [6.5]; e6 → r3 [9] (6.5 < 7), full; e1 → r2 [9].
        Placement p = new HierarchicalPlanner(2, 4).plan(loads, 4, 2, 1);
        assertEquals("W=4 L=2 R=1 | 2 3 4 | 2 3 5 | 0 1 7 | 0 6 6", p.toString());
        // Rank loads 7, 7, 9, 9 over a mean of 32 / 4 = 8. Greedy, free to split g3 across nodes, does
        // better (GreedyPlannerTest's rules give 8, 7.5, 8.5, 8) but puts e6 on both nodes.
        assertEquals(9.0 / 8, Imbalance.expected(p, loads), 1e-12);
        Placement greedy = new GreedyPlanner().plan(loads, 4, 2, 1);
        assertEquals("W=4 L=2 R=1 | 0 5 7 | 0 4 6 | 2 3 6 | 1 2 3", greedy.toString());
        assertEquals(8.5 / 8, Imbalance.expected(greedy, loads), 1e-12);
    }

    @Test
    void everyExpertsReplicasAndItsWholeGroupStayOnOneNode() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            double[] loads = new double[16];
            for (int e = 0; e < 16; e++) loads[e] = Math.pow(random.nextDouble(), 3) * 1000;
            Placement p = new HierarchicalPlanner(2, 4).plan(loads, 8, 2, 1); // 4 nodes, groups of 4 experts
            for (int e = 0; e < 16; e++) {
                int node = p.replica(e, 0).rank() / 2;
                int groupNode = p.replica(e / 4 * 4, 0).rank() / 2;
                assertEquals(groupNode, node, "expert " + e + " left its group's node in " + p);
                for (Slot s : p.slotsOf(e)) assertEquals(node, s.rank() / 2, "expert " + e + " spans nodes in " + p);
            }
        }
    }

    @Test
    void oneNodeIsGreedy() {
        Random random = new Random(11);
        for (int trial = 0; trial < 50; trial++) {
            double[] loads = new double[12];
            for (int e = 0; e < 12; e++) loads[e] = random.nextInt(20); // small integers: many ties
            for (int groups : new int[] {1, 3, 12}) {
                assertEquals(new GreedyPlanner().plan(loads, 4, 3, 1), new HierarchicalPlanner(4, groups).plan(loads, 4, 3, 1));
            }
        }
    }

    @Test
    void nodesOfOneRankKeepTheirSparesToThemselves() {
        // G=1, groups = E = 4, W=2 L=2 R=1: every rank is a node. Groups (single experts) [1, 6, 2, 3]:
        // e1 → r0 [6]; e3 → r1 [3]; e2 → r1 [5]; e0 → r0 [7]. Each rank's spare goes to its own hotter
        // expert: r0 holds e0 e1 → e1 (6); r1 holds e2 e3 → e3 (3). A copy on the same rank moves no load.
        Placement p = new HierarchicalPlanner(1, 4).plan(new double[] {1, 6, 2, 3}, 2, 2, 1);
        assertEquals("W=2 L=2 R=1 | 0 1 1 | 2 3 3", p.toString());
    }

    @Test
    void theSameInputsGiveTheSamePlacement() {
        double[] loads = {0.1, 7, 7, 0.3, 2.5, 2.5, 9, 0};
        Planner planner = new HierarchicalPlanner(2, 8);
        assertEquals(planner.plan(loads, 4, 2, 2), planner.plan(loads.clone(), 4, 2, 2));
        assertTrue(planner.plan(loads, 4, 2, 2).toString().startsWith("W=4 L=2 R=2 |"));
    }

    @Test
    void impossibleShapesAreRefusedWithTheReason() {
        assertMessage("hierarchical placement puts G=4 ranks on a node, but W=6 is not a multiple of 4",
                () -> new HierarchicalPlanner(4, 6).plan(new double[12], 6, 2, 1));
        assertMessage("hierarchical placement cannot split E=12 experts into 8 equal groups: E must be a multiple of the group count",
                () -> new HierarchicalPlanner(2, 8).plan(new double[12], 6, 2, 1));
        assertMessage("hierarchical placement gives every node whole expert groups, but 4 groups do not divide evenly among W/G=3 nodes",
                () -> new HierarchicalPlanner(2, 4).plan(new double[12], 6, 2, 1));
        assertMessage("hierarchical placement needs at least 1 rank per node, got G=0", () -> new HierarchicalPlanner(0, 4));
        assertMessage("hierarchical placement needs at least 1 expert group, got 0", () -> new HierarchicalPlanner(2, 0));
        assertMessage("hierarchical placement of E=W·L=8 experts was given loads of 4",
                () -> new HierarchicalPlanner(2, 4).plan(new double[4], 4, 2, 1));
    }
}
