package switchyard.math.tensor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector row updates must round exactly like the scalar loops they replace, at every length and offset. */
class RowsTest {
    @Test
    void addScaledRoundsLikeTheScalarLoop() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {0, 1, 7, 16, 33, 100}) {
            float[] src = random(random, n + 5), dst = random(random, n + 9);
            float w = (float) random.nextDouble(-2, 2);
            float[] expected = dst.clone();
            for (int i = 0; i < n; i++) expected[4 + i] += w * src[i];
            Rows.addScaled(src, 0, w, dst, 4, n);
            assertBits(expected, dst, "n=" + n);
        }
    }

    @Test
    void addScaled4IsFourAddScaledsInOrder() {
        SplittableRandom random = new SplittableRandom(4);
        for (int n : new int[] {0, 3, 16, 26, 64, 101}) {
            int stride = n + 3;
            float[] src = random(random, 2 + 4 * stride), dst = random(random, n + 1);
            float[] w = random(random, 4);
            float[] expected = dst.clone();
            for (int r = 0; r < 4; r++) Rows.addScaled(src, 2 + r * stride, w[r], expected, 1, n);
            Rows.addScaled4(src, 2, stride, w[0], w[1], w[2], w[3], dst, 1, n);
            assertBits(expected, dst, "n=" + n);
        }
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] out = new float[n];
        // magnitudes over several octaves, so that a different rounding order would show
        for (int i = 0; i < n; i++) out[i] = (float) (random.nextDouble(-1, 1) * Math.pow(2, random.nextInt(-8, 9)));
        return out;
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++)
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + ", element " + i);
    }
}
