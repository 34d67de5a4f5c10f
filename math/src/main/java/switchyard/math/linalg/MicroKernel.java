package switchyard.math.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one register-blocked kernel every {@link VectorMatMul} product funnels into: it updates an
 * {@link #MR}×{@link #NR} tile of C from an A micro-panel and a B micro-panel laid out by
 * {@link Packing}.
 *
 * <p>Sixteen accumulators (8 rows × 2 vectors) keep both FMA ports busy through the 4-cycle FMA
 * latency and leave registers for the two B vectors and the broadcast A value; with 512-bit
 * vectors that is an 8×32 tile. Each call sums its k steps as one fused-multiply-add chain per
 * element in increasing p, starting from zero, then adds the tile's previous content if asked:
 * the summation order depends only on the shapes and {@link BlockedProduct#KC}, never on which
 * thread computes the tile.
 */
final class MicroKernel {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector register. */
    static final int LANES = SPECIES.length();
    /** Rows of C per tile. */
    static final int MR = 8;
    /** Columns of C per tile: two vector registers. */
    static final int NR = 2 * LANES;
    /**
     * The species' concrete (final) vector class. Casting an accumulator to it before a store tells
     * C2 its exact type: without that, some JIT runs compiled the stores without the intrinsic
     * (PrintIntrinsics: "missing constant: vclass=DecodeN"), and every tile then allocated boxes
     * and ran scalar code for as long as the JVM lived.
     */
    @SuppressWarnings("unchecked")
    private static final Class<FloatVector> EXACT = (Class<FloatVector>) (Class<?>) SPECIES.vectorType();

    private MicroKernel() {
    }

    /**
     * Tile update {@code C = epilogue(C₀ + Σₚ A[:,p]·B[p,:])} over {@code kc} steps, for the C tile,
     * start value C₀ (its current content, or nothing) and epilogue described by {@code out}.
     *
     * @param ap A micro-panel, element (r, p) at {@code aOff + p·MR + r}
     * @param bp B micro-panel, element (p, j) at {@code bOff + p·NR + j}
     */
    static void update(TileTarget out, int kc, float[] ap, int aOff, float[] bp, int bOff) {
        // The sum starts from zero and C is read only after the loop: whatever is live across the
        // hot loop takes a general register, and when C2 runs short it spills loop variables (even
        // into vector registers), which slows the loop badly.
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(SPECIES);
        c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            FloatVector a;
            a = FloatVector.broadcast(SPECIES, ap[ai]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(SPECIES, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(SPECIES, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(SPECIES, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(SPECIES, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(SPECIES, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(SPECIES, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(SPECIES, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        // Straight-line epilogue, see TileTarget: start value, bias, floor, store.
        float[] s = out.start;
        int ld = out.startLd;
        int r = out.startOffset;
        c00 = c00.add(FloatVector.fromArray(SPECIES, s, r)); c01 = c01.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c10 = c10.add(FloatVector.fromArray(SPECIES, s, r)); c11 = c11.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c20 = c20.add(FloatVector.fromArray(SPECIES, s, r)); c21 = c21.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c30 = c30.add(FloatVector.fromArray(SPECIES, s, r)); c31 = c31.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c40 = c40.add(FloatVector.fromArray(SPECIES, s, r)); c41 = c41.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c50 = c50.add(FloatVector.fromArray(SPECIES, s, r)); c51 = c51.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c60 = c60.add(FloatVector.fromArray(SPECIES, s, r)); c61 = c61.add(FloatVector.fromArray(SPECIES, s, r + LANES)); r += ld;
        c70 = c70.add(FloatVector.fromArray(SPECIES, s, r)); c71 = c71.add(FloatVector.fromArray(SPECIES, s, r + LANES));

        FloatVector d0 = FloatVector.fromArray(SPECIES, out.bias, out.biasOffset);
        FloatVector d1 = FloatVector.fromArray(SPECIES, out.bias, out.biasOffset + LANES);
        FloatVector f = FloatVector.broadcast(SPECIES, out.floor);
        c00 = c00.add(d0).max(f); c01 = c01.add(d1).max(f); c10 = c10.add(d0).max(f); c11 = c11.add(d1).max(f);
        c20 = c20.add(d0).max(f); c21 = c21.add(d1).max(f); c30 = c30.add(d0).max(f); c31 = c31.add(d1).max(f);
        c40 = c40.add(d0).max(f); c41 = c41.add(d1).max(f); c50 = c50.add(d0).max(f); c51 = c51.add(d1).max(f);
        c60 = c60.add(d0).max(f); c61 = c61.add(d1).max(f); c70 = c70.add(d0).max(f); c71 = c71.add(d1).max(f);

        float[] c = out.c;
        int ldc = out.ldc;
        r = out.offset;
        EXACT.cast(c00).intoArray(c, r); EXACT.cast(c01).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c10).intoArray(c, r); EXACT.cast(c11).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c20).intoArray(c, r); EXACT.cast(c21).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c30).intoArray(c, r); EXACT.cast(c31).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c40).intoArray(c, r); EXACT.cast(c41).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c50).intoArray(c, r); EXACT.cast(c51).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c60).intoArray(c, r); EXACT.cast(c61).intoArray(c, r + LANES); r += ldc;
        EXACT.cast(c70).intoArray(c, r); EXACT.cast(c71).intoArray(c, r + LANES);
    }
}
