package switchyard.bench.layer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WindowTest {
    @Test
    void measuresTheLongerOfTheTwoBounds() {
        Window w = new Window(6, 2_000_000_000L);
        assertEquals(6, w.steps(500e6), "6 steps of 0.5 s already last 3 s");
        assertEquals(250, w.steps(8e6), "8 ms steps need 250 of them for 2 s");
        assertEquals(667, w.steps(3e6), "rounded up, so the window is never short");
        assertEquals(6, w.steps(Double.NaN), "no estimate: the step count alone");
        assertEquals(Integer.MAX_VALUE, new Window(1, Long.MAX_VALUE).steps(1e-3));
    }

    @Test
    void timesOneStepToSizeItself() {
        int[] runs = {0};
        assertEquals(4, new Window(4, 0).stepsTimed(() -> runs[0]++));
        assertEquals(1, runs[0], "the timing step runs once");
    }

    @Test
    void refusesEmptyWindows() {
        assertThrows(IllegalArgumentException.class, () -> new Window(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Window(1, -1));
    }
}
