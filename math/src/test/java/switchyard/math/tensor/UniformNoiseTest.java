package switchyard.math.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class UniformNoiseTest {

    @Test
    void sameSeedSameValuesOtherSeedOtherValues() {
        float[] a = new float[1001];
        float[] b = new float[1001];
        float[] c = new float[1001];
        UniformNoise.fill(a, a.length, 42);
        UniformNoise.fill(b, b.length, 42);
        UniformNoise.fill(c, c.length, 43);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void drawsTheValuesItAlwaysDrew() {
        // recorded from the Vector-API version this plain loop replaced (which its own test held to
        // the scalar path bit for bit): simulate's digests depend on these bits
        float[] x = new float[4097];
        UniformNoise.fill(x, x.length, 99);
        assertEquals(0.29409862f, x[0]);
        assertEquals(0.6727629f, x[1]);
        assertEquals(-0.49832892f, x[2]);
        assertEquals(-0.5471878f, x[3]);
        assertEquals(0.7502363f, x[1000]);
        assertEquals(-0.26672935f, x[4096]);
        long hash = 0;
        for (float v : x) hash = hash * 31 + Float.floatToRawIntBits(v);
        assertEquals(-198880087045548624L, hash, "every value of the fill");
    }

    @Test
    void aPrefixFillIsAPrefixOfTheLongerFill() {
        float[] longer = new float[100];
        float[] shorter = new float[100];
        UniformNoise.fill(longer, 100, 7);
        UniformNoise.fill(shorter, 37, 7);
        assertArrayEquals(Arrays.copyOf(longer, 37), Arrays.copyOf(shorter, 37));
        assertEquals(0f, shorter[37], "nothing past n is written");
    }

    @Test
    void valuesAreUniformOnMinusOneToOne() {
        int n = 1 << 20;
        float[] x = new float[n];
        UniformNoise.fill(x, n, 2026);
        double sum = 0;
        double squares = 0;
        int[] bins = new int[8];
        for (float v : x) {
            assertTrue(v >= -1f && v < 1f, "out of range: " + v);
            sum += v;
            squares += v * v;
            bins[(int) ((v + 1f) * 4f)]++;
        }
        assertEquals(0, sum / n, 0.005, "mean");
        assertEquals(1.0 / 3, squares / n, 0.005, "mean square");
        for (int count : bins) {
            assertEquals(n / 8.0, count, n / 8.0 * 0.02, "bin counts " + Arrays.toString(bins));
        }
    }

    @Test
    void aWarmFillAllocatesNothing() {
        var threads = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        var counter = (com.sun.management.ThreadMXBean) threads;
        float[] x = new float[1 << 16];
        for (int i = 0; i < 2_000; i++) { // until C2 has compiled the loop
            UniformNoise.fill(x, x.length, i);
        }
        long id = Thread.currentThread().getId();
        long before = counter.getThreadAllocatedBytes(id);
        for (int i = 0; i < 200; i++) {
            UniformNoise.fill(x, x.length, i);
        }
        long allocated = counter.getThreadAllocatedBytes(id) - before;
        // one 96-byte object per 16 values, as boxed vectors would be, would be 79 MB here
        assertTrue(allocated < 16_384, "200 fills allocated " + allocated + " bytes");
    }

    @Test
    void refusesToWritePastTheArray() {
        assertThrows(IllegalArgumentException.class, () -> UniformNoise.fill(new float[3], 4, 1));
    }
}
