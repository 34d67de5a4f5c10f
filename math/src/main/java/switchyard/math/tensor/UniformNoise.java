package switchyard.math.tensor;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast reproducible noise: value {@code i} of a fill is a pure function of the seed and {@code i}
 * (SplitMix64 of a counter, two values per 64-bit draw: the low half, then the high half),
 * uniform in [-1, 1) on a 2⁻²² grid. Drawing a benchmark's S×M inputs per step with
 * {@code SplittableRandom.nextDouble} took ~15 ms per rank per step on the large configuration.
 * Whole vectors of counters are mixed at once; integer arithmetic is exact, so the vector and
 * scalar paths give the same bits.
 */
public final class UniformNoise {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    /**
     * Lane j's counter offset, j·GOLDEN, read as a vector: {@code addIndex} is not intrinsified in
     * JDK 17 and allocated on every call.
     */
    private static final long[] LANE_OFFSETS = laneOffsets();
    /** Pairs per {@link #vectorFill} call. */
    private static final int CHUNK_PAIRS = 1024;

    private UniformNoise() {
    }

    /** Fills {@code dst[0, n)}. */
    public static void fill(float[] dst, int n, long seed) {
        if (n < 0 || n > dst.length) {
            throw new IllegalArgumentException("cannot fill " + n + " values into an array of " + dst.length);
        }
        long base = mix(seed);
        int whole = (n >>> 1) / L.length() * L.length();
        for (int p = 0; p < whole; p += CHUNK_PAIRS) {
            vectorFill(dst, base, p, Math.min(whole, p + CHUNK_PAIRS));
        }
        scalarFill(dst, n, base, whole);
    }

    /**
     * Pairs {@code [from, to)} (a multiple of the lane count apart). In chunks, so that the JIT sees
     * many calls and compiles this method outright early on: until C2 has, every vector in it is a
     * heap object, and one call over a whole large batch stayed in that state long enough to
     * allocate megabytes per step in a benchmark's first measured steps.
     */
    private static void vectorFill(float[] dst, long base, int from, int to) {
        int lanes = L.length();
        LongVector step = LongVector.broadcast(L, lanes * GOLDEN);
        LongVector counter = LongVector.broadcast(L, base + from * GOLDEN).add(LongVector.fromArray(L, LANE_OFFSETS, 0));
        for (int p = from; p < to; p += lanes, counter = counter.add(step)) {
            mix(counter).reinterpretAsInts().lanewise(VectorOperators.LSHR, 9).or(0x3F800000)
                    .reinterpretAsFloats().mul(2f).sub(3f).intoArray(dst, 2 * p);
        }
    }

    private static long[] laneOffsets() {
        long[] offsets = new long[L.length()];
        for (int j = 0; j < offsets.length; j++) {
            offsets[j] = j * GOLDEN;
        }
        return offsets;
    }

    /** The scalar path from pair {@code p} on; package-private so tests can run it alone. */
    static void scalarFill(float[] dst, int n, long base, int p) {
        int pairs = n >>> 1;
        for (; p < pairs; p++) {
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

    private static LongVector mix(LongVector z) {
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
