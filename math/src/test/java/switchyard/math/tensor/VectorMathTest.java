package switchyard.math.tensor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {

    /** Distance in units in the last place between two positive floats. */
    private static int ulps(float a, float b) {
        return Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void expIsWithinTwoUlpsOfTheCorrectlyRoundedValueOverTheSoftmaxRange() {
        int n = 200_003; // not a multiple of any vector length: the masked tail is exercised too
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = VectorMath.MIN_ARG + (0f - VectorMath.MIN_ARG) * i / (n - 1);
        float[] out = new float[n];
        VectorMath.expShifted(x, 0, n, 0f, out, 0);
        int worst = 0;
        for (int i = 0; i < n; i++) {
            float expected = (float) Math.exp(x[i]);
            if (expected < Float.MIN_NORMAL) continue; // flushed to 0 by design
            worst = Math.max(worst, ulps(out[i], expected));
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        assertEquals(1f, out[n - 1], 0f, "exp(0) is exactly 1");
    }

    @Test
    void allFiniteFindsEveryKindOfNonFiniteValueAtEveryPositionOfItsRange() {
        int n = 37; // vector lanes and a scalar tail, for any vector length up to 32
        float[] a = new float[n + 2];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian() * 1e30f;
        a[0] = Float.NaN; // outside the range checked below
        a[n + 1] = Float.POSITIVE_INFINITY;
        assertTrue(VectorMath.allFinite(a, 1, n));
        assertFalse(VectorMath.allFinite(a, 0, n));
        assertFalse(VectorMath.allFinite(a, 2, n));
        assertTrue(VectorMath.allFinite(new float[0], 0, 0));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int at = 1; at <= n; at++) {
                float kept = a[at];
                a[at] = bad;
                assertFalse(VectorMath.allFinite(a, 1, n), bad + " at " + at);
                a[at] = kept;
            }
        }
        a[5] = Float.MAX_VALUE; // finite extremes stay finite
        a[6] = -Float.MAX_VALUE;
        a[7] = Float.MIN_VALUE;
        assertTrue(VectorMath.allFinite(a, 1, n));
    }

    @Test
    void expFlushesArgumentsBelowTheNormalRangeToZeroAndRespectsOffsets() {
        float[] x = {5f, -200f, -90f, 1f, 0.5f};
        float[] out = {7f, 7f, 7f, 7f, 7f, 7f};
        VectorMath.expShifted(x, 1, 4, 1f, out, 2); // exp(x - 1) of x[1..4] into out[2..5]
        assertEquals(7f, out[0]);
        assertEquals(7f, out[1]);
        assertEquals(0f, out[2]);
        assertEquals(0f, out[3]);
        assertEquals(1f, out[4]);
        assertEquals((float) Math.exp(-0.5), out[5], Math.ulp((float) Math.exp(-0.5)) * 2);
    }

    @Test
    void sumOfAWideSoftmaxRowIsWithinFloatRoundingOfTheExactSum() {
        SplittableRandom random = new SplittableRandom(3);
        float[] row = new float[2048 + 5];
        double exact = 0;
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) Math.exp(-20 * random.nextDouble()); // magnitudes 1 .. 2e-9
            exact += row[i];
        }
        assertEquals(exact, VectorMath.sum(row, 0, row.length), exact * 1.2e-7);
    }

    @Test
    void sumHasTheBitsOfSixteenScalarKahanSumsWhateverTheVectorWidth() {
        SplittableRandom random = new SplittableRandom(5);
        float[] a = new float[1000 + 7];
        for (int i = 0; i < a.length; i++) a[i] = (float) (random.nextDouble() * Math.exp(10 * random.nextGaussian()));
        int from = 3, length = a.length - from;
        float[] sum = new float[VectorMath.PARTIALS];
        float[] compensation = new float[VectorMath.PARTIALS];
        int i = 0;
        for (; i + VectorMath.PARTIALS <= length; i += VectorMath.PARTIALS) {
            for (int p = 0; p < VectorMath.PARTIALS; p++) {
                float y = a[from + i + p] - compensation[p];
                float t = sum[p] + y;
                compensation[p] = (t - sum[p]) - y;
                sum[p] = t;
            }
        }
        double expected = 0;
        for (int p = 0; p < VectorMath.PARTIALS; p++) expected += (double) sum[p] - compensation[p];
        for (; i < length; i++) expected += a[from + i];
        assertEquals(expected, VectorMath.sum(a, from, length), 0.0);
    }

    @Test
    void dotHasTheBitsOfSixteenScalarPartialSumsWhateverTheVectorWidth() {
        SplittableRandom random = new SplittableRandom(11);
        float[] a = new float[600];
        float[] b = new float[600];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) (random.nextGaussian() * Math.exp(3 * random.nextGaussian()));
        }
        for (int length : new int[] {0, 5, 16, 17, 512, 587}) {
            float[] sum = new float[VectorMath.PARTIALS];
            int i = 0;
            for (; i + VectorMath.PARTIALS <= length; i += VectorMath.PARTIALS) {
                for (int p = 0; p < VectorMath.PARTIALS; p++) sum[p] += a[3 + i + p] * b[7 + i + p];
            }
            float expected = 0f;
            if (length >= VectorMath.PARTIALS) for (float s : sum) expected += s;
            for (; i < length; i++) expected += a[3 + i] * b[7 + i];
            assertEquals(expected, VectorMath.dot(a, 3, b, 7, length), 0f, "length " + length);
            double exact = 0;
            double scale = 0;
            for (int j = 0; j < length; j++) {
                exact += (double) a[3 + j] * b[7 + j];
                scale += Math.abs((double) a[3 + j] * b[7 + j]);
            }
            assertEquals(exact, VectorMath.dot(a, 3, b, 7, length), 1e-6 * scale + 1e-30, "length " + length);
        }
    }

    @Test
    void maxSumAndScaleCoverTheTailOfARange() {
        SplittableRandom random = new SplittableRandom(7);
        float[] a = new float[37];
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        a[35] = 9f;
        assertEquals(9f, VectorMath.max(a, 3, 34));
        assertEquals(Float.NEGATIVE_INFINITY, VectorMath.max(a, 0, 0));
        double expected = 0;
        for (int i = 2; i < 37; i++) expected += a[i];
        assertEquals(expected, VectorMath.sum(a, 2, 35), 1e-6);
        float before = a[36];
        VectorMath.scale(a, 30, 7, 2f);
        assertEquals(2f * before, a[36]);
    }
}
