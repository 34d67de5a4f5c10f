package switchyard.math.tensor;

import jdk.incubator.vector.FloatVector;
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
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private UniformNoise() {
    }

    /** Fills {@code dst[0, n)}. */
    public static void fill(float[] dst, int n, long seed) {
        if (n < 0 || n > dst.length) {
            throw new IllegalArgumentException("cannot fill " + n + " values into an array of " + dst.length);
        }
        long base = mix(seed);
        int pairs = n >>> 1;
        int lanes = L.length();
        LongVector step = LongVector.broadcast(L, lanes * GOLDEN);
        LongVector counter = LongVector.broadcast(L, base).add(LongVector.zero(L).addIndex(1).mul(GOLDEN));
        int p = 0;
        for (; p + lanes <= pairs; p += lanes, counter = counter.add(step)) {
            mix(counter).reinterpretAsInts().lanewise(VectorOperators.LSHR, 9).or(0x3F800000)
                    .reinterpretAsFloats().mul(2f).sub(3f).intoArray(dst, 2 * p);
        }
        scalarFill(dst, n, base, p);
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
