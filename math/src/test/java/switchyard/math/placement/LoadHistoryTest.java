package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.math.placement.PlacementTest.assertMessage;

class LoadHistoryTest {

    @Test
    void theFirstStepIsTakenAsIsAndLaterStepsAreAveraged() {
        LoadHistory h = new LoadHistory(3, 0.5);
        assertArrayEquals(new double[] {0, 0, 0}, h.loads()); // nothing observed yet
        h.observe(new long[] {4, 0, 2});
        assertArrayEquals(new double[] {4, 0, 2}, h.loads()); // not 0.5·x: the first step is the average
        h.observe(new long[] {0, 8, 2});
        assertArrayEquals(new double[] {2, 4, 2}, h.loads()); // 0.5·0 + 0.5·4, 0.5·8 + 0.5·0, 0.5·2 + 0.5·2
        h.observe(new long[] {2, 0, 6});
        assertArrayEquals(new double[] {2, 2, 4}, h.loads()); // 1 + 1, 0 + 2, 3 + 1
        assertEquals(3, h.observations());
    }

    @Test
    void alphaIsTheWeightOfTheNewestStep() {
        LoadHistory slow = new LoadHistory(2, 0.25);
        slow.observe(new long[] {8, 0});
        slow.observe(new long[] {0, 8});
        assertArrayEquals(new double[] {6, 2}, slow.loads()); // 0.25·0 + 0.75·8, 0.25·8 + 0.75·0
        LoadHistory latest = new LoadHistory(2, 1.0);
        latest.observe(new long[] {8, 0});
        latest.observe(new long[] {0, 8});
        assertArrayEquals(new double[] {0, 8}, latest.loads());
    }

    @Test
    void theSameStepsGiveTheSameLoadsBitForBit() {
        LoadHistory a = new LoadHistory(16, 0.1);
        LoadHistory b = new LoadHistory(16, 0.1);
        Random random = new Random(22);
        for (int step = 0; step < 100; step++) {
            long[] tokens = new long[16];
            for (int e = 0; e < 16; e++) tokens[e] = random.nextInt(1000);
            a.observe(tokens);
            b.observe(tokens.clone());
        }
        double[] la = a.loads();
        double[] lb = b.loads();
        for (int e = 0; e < 16; e++) assertEquals(Double.doubleToRawLongBits(la[e]), Double.doubleToRawLongBits(lb[e]));
    }

    @Test
    void badInputsAreRefused() {
        assertMessage("the placement EMA weight must be in (0, 1], got 0.0", () -> new LoadHistory(4, 0));
        assertMessage("the placement EMA weight must be in (0, 1], got 1.5", () -> new LoadHistory(4, 1.5));
        assertMessage("the placement EMA weight must be in (0, 1], got NaN", () -> new LoadHistory(4, Double.NaN));
        assertMessage("a load history needs at least 1 expert, got 0", () -> new LoadHistory(0, 0.5));
        LoadHistory h = new LoadHistory(2, 0.5);
        assertMessage("tokens of 3 experts for a history of 2", () -> h.observe(new long[3]));
        assertMessage("expert 1 has a negative token count -1", () -> h.observe(new long[] {0, -1}));
        assertEquals(0, h.observations()); // a refused step leaves the history as it was
    }

    /** A history restored from a snapshot goes on exactly as the one it was taken from. */
    @Test
    void aRestoredHistoryGoesOnAsTheOriginal() {
        LoadHistory original = new LoadHistory(3, 0.3);
        original.observe(new long[] {5, 0, 7});
        original.observe(new long[] {1, 9, 2});
        LoadHistory resumed = new LoadHistory(3, 0.3);
        resumed.restore(original.snapshot());
        for (long[] step : new long[][] {{4, 4, 4}, {0, 13, 1}}) {
            original.observe(step);
            resumed.observe(step);
        }
        assertArrayEquals(original.loads(), resumed.loads()); // bit for bit
        assertEquals(4, resumed.observations());
        assertMessage("a load history of 2 experts for one of 3", () -> resumed.restore(new LoadHistory(2, 0.3).snapshot()));
        assertMessage("a load of NaN", () -> new LoadHistory.Snapshot(new double[] {1, Double.NaN}, 2));
        assertMessage("a load of -1.0", () -> new LoadHistory.Snapshot(new double[] {-1}, 2));
    }
}
