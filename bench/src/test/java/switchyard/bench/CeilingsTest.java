package switchyard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A ceiling on every core that a busy neighbour disturbed is read again, and said to be low when it stays so. */
class CeilingsTest {

    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text, true);

    @Test
    void aPlausibleReadingIsTakenAtOnce() {
        ArrayDeque<Double> readings = new ArrayDeque<>(List.of(200.0, 999.0));
        assertEquals(200.0, Ceilings.onEveryCore(110, 2, readings::poll, out, "FMA"));
        assertEquals(1, readings.size(), "one reading only");
        assertEquals("", text.toString());
    }

    @Test
    void aDisturbedReadingIsTakenAgainAndTheBestKept() {
        ArrayDeque<Double> readings = new ArrayDeque<>(List.of(120.0, 210.0, 999.0));
        assertEquals(210.0, Ceilings.onEveryCore(110, 2, readings::poll, out, "FMA"));
        assertEquals(1, readings.size(), "stops once plausible");
        assertEquals("", text.toString());
    }

    @Test
    void aReadingThatStaysLowIsKeptWithAWarning() {
        ArrayDeque<Double> readings = new ArrayDeque<>(List.of(251.0, 240.0, 230.0, 999.0));
        assertEquals(251.0, Ceilings.onEveryCore(219, 2, readings::poll, out, "AVX512-BF16"));
        assertEquals(1, readings.size(), Ceilings.TRIES + " readings at most");
        assertTrue(text.toString().startsWith("warning: the AVX512-BF16 ceiling on 2 cores read 251.0 GFLOP/s at best in 3 tries, 1.15"), text.toString());
    }
}
