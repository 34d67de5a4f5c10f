package switchyard.math.tensor;

/**
 * Fast reproducible noise: value {@code i} of a fill is a pure function of the seed and {@code i}
 * (SplitMix64 of a counter, two values per 64-bit draw: the low half, then the high half),
 * uniform in [-1, 1) on a 2⁻²² grid. Drawing a benchmark's S×M inputs per step with
 * {@code SplittableRandom.nextDouble} is several times slower.
 *
 * <p>Plain Java on purpose. A Vector-API version is faster when it compiles well, but C2 sometimes
 * compiled it with its vectors left as heap objects, for as long as the JVM ran: the bench then
 * allocated on every step and drew its batches slower than this loop does. Rewriting its loop
 * moved the failure rather than removing it.
 */
public final class UniformNoise {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private UniformNoise() {
    }

    /** Fills {@code dst[0, n)}. */
    public static void fill(float[] dst, int n, long seed) {
        if (n < 0 || n > dst.length) {
            throw new IllegalArgumentException("cannot fill " + n + " values into an array of " + dst.length);
        }
        long base = mix(seed);
        int pairs = n >>> 1;
        for (int p = 0; p < pairs; p++) {
            long z = mix(base + p * GOLDEN);
            dst[2 * p] = unit((int) z);
            dst[2 * p + 1] = unit((int) (z >>> 32));
        }
        if ((n & 1) == 1) {
            dst[n - 1] = unit((int) mix(base + pairs * GOLDEN));
        }
    }

    /** The top 23 bits as the mantissa of a float in [1, 2), mapped onto [-1, 1). */
    private static float unit(int bits) {
        return Float.intBitsToFloat(0x3F800000 | (bits >>> 9)) * 2f - 3f;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
