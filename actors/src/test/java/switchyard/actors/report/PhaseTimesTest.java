package switchyard.actors.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Phase;

class PhaseTimesTest {

    /** A step of two ranks whose phase p took {@code rank0[p]} and {@code rank1[p]} milliseconds. */
    private static StepMetrics step(long[] rank0Millis, long[] rank1Millis) {
        long[][] nanos = new long[2][Phase.values().length];
        for (int p = 0; p < rank0Millis.length; p++) {
            nanos[0][p] = rank0Millis[p] * 1_000_000;
            nanos[1][p] = rank1Millis[p] * 1_000_000;
        }
        return new StepMetrics(0, 1, 1, 0, 4, 2, 4, new long[] {2, 2}, 0, 0, new long[4][2][2], new long[4][2][2], nanos, 0);
    }

    @Test
    void eachPhaseIsItsMeanPerRankPerStep() {
        long[] a = new long[Phase.values().length], b = new long[Phase.values().length];
        long[] c = new long[Phase.values().length], d = new long[Phase.values().length];
        a[Phase.ROUTE.ordinal()] = 2;
        b[Phase.ROUTE.ordinal()] = 4;
        c[Phase.ROUTE.ordinal()] = 6;
        d[Phase.ROUTE.ordinal()] = 8;
        a[Phase.EXPERT_FORWARD.ordinal()] = 100;
        PhaseTimes t = PhaseTimes.of(List.of(step(a, b), step(c, d)));
        assertEquals(5.0, t.millis(Phase.ROUTE), 1e-12);            // (2 + 4 + 6 + 8) / (2 steps × 2 ranks)
        assertEquals(25.0, t.millis(Phase.EXPERT_FORWARD), 1e-12);  // 100 / 4
        assertEquals(0.0, t.millis(Phase.DISPATCH));
        // the line names only the phases that took time, in phase order, by their JSON keys
        assertEquals("route 5.00, expert_forward 25.00", t.line());
        Map<String, Double> map = t.asMap();
        assertEquals(Phase.values().length, map.size());
        assertEquals(5.0, map.get("route"), 1e-12);
        assertEquals(t.line(), PhaseTimes.line(map));
    }

    @Test
    void refusesTimesForAnotherSetOfPhases() {
        assertThrows(IllegalArgumentException.class, () -> new PhaseTimes(new double[3]));
    }
}
