package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.math.placement.PlacementTest.assertMessage;

class StaticPlannerTest {
    private static final Planner STATIC = new StaticPlanner();

    @Test
    void theLoadDoesNotMoveAnything() {
        assertEquals(Placement.staticMap(2, 2), STATIC.plan(new double[] {10, 1, 1, 4}, 2, 2, 0));
        assertEquals(Placement.staticMap(2, 2), STATIC.plan(new double[4], 2, 2, 0));
        assertEquals("W=1 L=3 R=0 | 0 1 2", STATIC.plan(new double[] {1, 5, 2}, 1, 3, 0).toString());
    }

    @Test
    void spareSlotsAreRefusedAndSoAreBadLoads() {
        assertMessage("static placement has no replicas: redundant experts must be 0, got R=1 "
                + "(the greedy and hierarchical policies fill spare slots)", () -> STATIC.plan(new double[4], 2, 2, 1));
        assertMessage("static placement of E=W·L=4 experts was given loads of 5", () -> STATIC.plan(new double[5], 2, 2, 0));
    }
}
