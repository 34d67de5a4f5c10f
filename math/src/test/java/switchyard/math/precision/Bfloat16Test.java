package switchyard.math.precision;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bfloat16Test {
    private static final float ULP_AT_ONE = 0x1p-7f; // bfloat16 keeps 7 mantissa bits

    @Test
    void valuesThatFitAreKeptExactly() {
        for (float x : new float[] {0f, -0f, 1f, -2.5f, 0x1p-126f, 0x1p127f, 3.0f * 0x1p-10f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(Bfloat16.round(x)), "value " + x);
        }
    }

    @Test
    void tiesGoToTheEvenNeighbour() {
        // 1 + 2^-8 lies halfway between 1 (even mantissa) and 1 + 2^-7 (odd): down to 1
        assertEquals(1f, Bfloat16.round(1f + 0x1p-8f));
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up
        assertEquals(1f + 0x1p-6f, Bfloat16.round(1f + 3 * 0x1p-8f));
        // just past the half rounds away from it
        assertEquals(1f + ULP_AT_ONE, Bfloat16.round(Math.nextUp(1f + 0x1p-8f)));
        assertEquals(-1f, Bfloat16.round(-(1f + 0x1p-8f)), "the sign plays no part");
    }

    @Test
    void nanStaysNanAndTheLargestFloatsOverflowToInfinity() {
        float nan = Float.intBitsToFloat(0x7f800001); // a signalling NaN whose payload lives in the low bits only
        assertTrue(Float.isNaN(Bfloat16.round(nan)));
        assertTrue(Float.isNaN(Bfloat16.round(Float.NaN)));
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16.round(Float.MAX_VALUE));
        assertEquals(Float.NEGATIVE_INFINITY, Bfloat16.round(-Float.MAX_VALUE));
    }

    /** Against the definition: no bfloat16 lies nearer, and of two equally near the even one is taken. */
    @Test
    void everyRoundingIsToTheNearestBfloat16() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            float x = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(x)) continue;
            float r = Bfloat16.round(x);
            int upper = Float.floatToRawIntBits(x) & 0xffff0000;
            float down = Float.intBitsToFloat(upper), up = Float.intBitsToFloat(upper + 0x10000);
            // past the largest bfloat16 the next step up is 2^128, which rounds to infinity (IEEE overflow)
            double upValue = Float.isInfinite(up) ? Math.copySign(0x1p128, x) : up;
            double toDown = Math.abs((double) x - down), toUp = Math.abs((double) x - upValue);
            float want = toDown < toUp ? down : toUp < toDown ? up : ((upper >>> 16) & 1) == 0 ? down : up;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(r), "x = " + x + " (" + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
        }
    }

    @Test
    void theBitsRoundTrip() {
        for (int b = 0; b < 0x10000; b++) {
            float x = Bfloat16.toFloat((short) b);
            if (Float.isNaN(x)) continue;
            assertEquals(b, Bfloat16.bits(x) & 0xffff);
        }
    }
}
