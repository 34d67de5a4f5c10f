package switchyard.math.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Row kernels for the softmax over many experts, on the Vector API.
 *
 * <p>Only exactly rounded operations are used (add, multiply, fma, conversions, shifts), never the
 * Vector API's own {@code EXP}: that one is an SVML intrinsic once C2 has compiled the loop and
 * {@code Math.exp} per lane before, so its bits would depend on JIT timing and on the CPU. These give
 * the same bits in the interpreter, under C2 and on every machine, which keeps runs reproducible.
 */
public final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    // Cephes expf: exp(x) = 2^n · exp(r), r = x − n·ln2 split in two parts, |r| ≤ ln2/2.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    /** Below this exp(x) is no longer a normal float; such lanes give 0. */
    static final float MIN_ARG = -87.33654f;
    /** Above this 2^n would overflow the exponent field. */
    static final float MAX_ARG = 88.0f;
    /**
     * 1.5·2²³: adding it to x·log2e rounds to the nearest integer n and leaves n in the low bits of
     * the float (the Vector API's float-to-int conversion is not intrinsified in JDK 17, this is).
     */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    /**
     * Whether {@code a[from .. from+length-1]} holds only finite values. x − x is 0 for a finite x and
     * NaN for NaN or ±∞, so one sum of those tells. The gate checks its input with it: element by
     * element, that check would be a sizeable part of the gate's time on a large step.
     */
    public static boolean allFinite(float[] a, int from, int length) {
        FloatVector lanes = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(length); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, a, from + i);
            lanes = lanes.add(v.sub(v));
        }
        // NaN is the one value unequal to itself: a plain compare, where test(IS_NAN) reinterprets
        // the lanes as integers, which C2 left to the allocating fallback in a deep enough caller.
        boolean finite = !lanes.compare(VectorOperators.NE, lanes).anyTrue();
        for (; i < length; i++) finite &= Float.isFinite(a[from + i]);
        return finite;
    }

    /** The largest of {@code a[from .. from+length-1]}; {@code -∞} for an empty range. */
    public static float max(float[] a, int from, int length) {
        FloatVector lanes = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(length); i < bound; i += F.length()) {
            lanes = lanes.max(FloatVector.fromArray(F, a, from + i));
        }
        float max = lanes.reduceLanes(VectorOperators.MAX);
        for (; i < length; i++) max = Math.max(max, a[from + i]);
        return max;
    }

    /**
     * {@code dst[dstFrom+i] = exp(src[from+i] − shift)} for {@code i < length}, within 2 ulp of the true
     * value for arguments in [{@value #MIN_ARG}, {@value #MAX_ARG}]; 0 below that range (where exp is
     * not a normal float), undefined above it. Softmax calls it with {@code shift} = the row maximum.
     */
    public static void expShifted(float[] src, int from, int length, float shift, float[] dst, int dstFrom) {
        int bound = F.loopBound(length);
        for (int i = 0; i < bound; i += F.length()) {
            expShifted(FloatVector.fromArray(F, src, from + i), shift).intoArray(dst, dstFrom + i);
        }
        if (bound < length) {
            // The tail goes through a full vector of this thread's scratch: JDK 17 neither
            // intrinsifies indexInRange nor masked loads and stores well, and boxed masks would
            // allocate on every row with a tail, which with E below the vector width is every row.
            Scratch scratch = SCRATCH.get();
            int rest = length - bound;
            System.arraycopy(src, from + bound, scratch.tailIn, 0, rest);
            expShifted(FloatVector.fromArray(F, scratch.tailIn, 0), shift).intoArray(scratch.tailOut, 0);
            System.arraycopy(scratch.tailOut, 0, dst, dstFrom + bound, rest);
        }
    }

    private static FloatVector expShifted(FloatVector v, float shift) {
        FloatVector x = v.sub(shift);
        VectorMask<Float> underflow = x.compare(VectorOperators.LT, MIN_ARG);
        x = x.max(MIN_ARG).min(MAX_ARG);
        FloatVector rounded = x.fma(LOG2E, ROUNDER);
        FloatVector nf = rounded.sub(ROUNDER);
        IntVector n = rounded.reinterpretAsInts().sub(ROUNDER_BITS);
        FloatVector r = nf.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = nf.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1).fma(r, FloatVector.broadcast(F, P2)).fma(r, FloatVector.broadcast(F, P3))
                .fma(r, FloatVector.broadcast(F, P4)).fma(r, FloatVector.broadcast(F, P5));
        p = p.mul(r.mul(r)).add(r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, underflow);
    }

    /**
     * {@code dst[dstFrom+i] = 1 / (1 + exp(−src[from+i]))}, from the same exp as {@link #expShifted}
     * (so the same bits on every machine): 1 where {@code −x} underflows, and a tiny positive value
     * where {@code −x} is beyond the exp's range.
     */
    public static void sigmoid(float[] src, int from, int length, float[] dst, int dstFrom) {
        int bound = F.loopBound(length);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector e = expShifted(FloatVector.fromArray(F, src, from + i).neg(), 0f);
            FloatVector.broadcast(F, 1f).div(e.add(1f)).intoArray(dst, dstFrom + i);
        }
        if (bound < length) {
            Scratch scratch = SCRATCH.get();
            int rest = length - bound;
            System.arraycopy(src, from + bound, scratch.tailIn, 0, rest);
            FloatVector e = expShifted(FloatVector.fromArray(F, scratch.tailIn, 0).neg(), 0f);
            FloatVector.broadcast(F, 1f).div(e.add(1f)).intoArray(scratch.tailOut, 0);
            System.arraycopy(scratch.tailOut, 0, dst, dstFrom + bound, rest);
        }
    }

    /** {@code a[from+i] *= factor} for {@code i < length}. */
    public static void scale(float[] a, int from, int length, float factor) {
        int i = 0;
        for (int bound = F.loopBound(length); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, from + i).mul(factor).intoArray(a, from + i);
        }
        for (; i < length; i++) a[from + i] *= factor;
    }

    /** Partial sums of {@link #sum}: a fixed number, so the result does not depend on the machine's vector width. */
    static final int PARTIALS = 16;
    private static final VectorSpecies<Float> SUM = F.length() <= PARTIALS ? F : FloatVector.SPECIES_512;

    /**
     * Sum of {@code a[from .. from+length-1]}, within float rounding of the exact sum: 16 compensated
     * (Kahan) float sums, partial sum i taking the elements ≡ i mod 16, added in double in a fixed
     * order. The same bits on a 128-, 256- or 512-bit machine. A plain double loop is bound by the
     * latency of each addition, which would set the pace of a wide softmax.
     */
    public static double sum(float[] a, int from, int length) {
        double total = 0;
        int i = 0;
        if (length >= PARTIALS) {
            // partial sums live in arrays rather than in an array of vectors, which C2 would not keep
            // in registers; the arrays are this thread's, not new ones per row
            Scratch scratch = SCRATCH.get();
            float[] sum = scratch.partialSums;
            float[] compensation = scratch.compensations;
            Arrays.fill(sum, 0f);
            Arrays.fill(compensation, 0f);
            for (; i + PARTIALS <= length; i += PARTIALS) {
                for (int p = 0; p < PARTIALS; p += SUM.length()) {
                    FloatVector s = FloatVector.fromArray(SUM, sum, p);
                    FloatVector y = FloatVector.fromArray(SUM, a, from + i + p).sub(FloatVector.fromArray(SUM, compensation, p));
                    FloatVector t = s.add(y);
                    t.sub(s).sub(y).intoArray(compensation, p);
                    t.intoArray(sum, p);
                }
            }
            for (int p = 0; p < PARTIALS; p++) total += (double) sum[p] - compensation[p];
        } // shorter rows have all partial sums zero: adding them would leave the total at +0
        for (; i < length; i++) total += a[from + i];
        return total;
    }

    /**
     * {@code Σ a[aFrom+i]·b[bFrom+i]} over {@code i < length}: 16 partial sums, partial p taking the
     * products of elements ≡ p mod 16 (a multiply, then an add), added in order p = 0..15, then the
     * tail in order. The same bits on a 128-, 256- or 512-bit machine; a single scalar chain is
     * bound by the add latency, which would set the pace of the weight-gradient pass.
     */
    public static float dot(float[] a, int aFrom, float[] b, int bFrom, int length) {
        float total = 0f;
        int i = 0;
        if (length >= PARTIALS) {
            float[] sum = SCRATCH.get().partialSums;
            Arrays.fill(sum, 0f);
            for (; i + PARTIALS <= length; i += PARTIALS) {
                for (int p = 0; p < PARTIALS; p += SUM.length()) {
                    FloatVector x = FloatVector.fromArray(SUM, a, aFrom + i + p);
                    FloatVector y = FloatVector.fromArray(SUM, b, bFrom + i + p);
                    FloatVector.fromArray(SUM, sum, p).add(x.mul(y)).intoArray(sum, p);
                }
            }
            for (int p = 0; p < PARTIALS; p++) total += sum[p];
        }
        for (; i < length; i++) total += a[aFrom + i] * b[bFrom + i];
        return total;
    }

    /** Per-thread working arrays of the kernels above, so that no row allocates. */
    private static final class Scratch {
        final float[] tailIn = new float[F.length()];
        final float[] tailOut = new float[F.length()];
        final float[] partialSums = new float[PARTIALS];
        final float[] compensations = new float[PARTIALS];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
}
