package switchyard.kernels;

import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.linalg.WorkerPool;
import switchyard.math.precision.Bfloat16;

/**
 * {@link MatMul} with bfloat16 operands and float32 accumulation on AVX512-BF16 (VDPBF16PS): both
 * operands are rounded to the nearest bfloat16, ties to even (NaN stays NaN), their products are
 * exact, and they are summed in float32; bias, ReLU and the accumulated C stay float32. That is
 * math's {@code Bf16Operands} semantics, here at twice the multiply-adds per instruction of a
 * float32 FMA.
 *
 * <p>Each element is summed in blocks of 256 values of k, each block one float32 chain in
 * increasing k from zero, added to the running value (zero, or C when accumulating), then bias and
 * ReLU: the order of math's vector kernel, so {@code new Bf16Operands(VectorMatMul...)} gives the
 * same bits, with one exception: denormals. The rounding to bfloat16 (VCVTNE2PS2BF16) takes float32
 * operands below 2⁻¹²⁶ in magnitude as zero, even the few that Java rounds up to 2⁻¹²⁶, and
 * VDPBF16PS flushes float32 results below 2⁻¹²⁶ to zero at each addition of the chains, where Java
 * keeps them; the additions of C, the bias and ReLU are ordinary float32 and keep denormals.
 *
 * <p>Every product runs on the native kernel, however small, but for those whose packed operands
 * would pass 2 GiB, which run as {@code Bf16Operands} on the vector kernel. Threads share
 * rectangles of C through the same {@link WorkerPool} as math's kernels, so results are
 * bit-identical for any thread count. Runs only where {@link #available()}: an x86-64 Linux CPU
 * with AVX512-BF16 and a build that compiled the native kernel (see src/main/c). Math finds it
 * through {@link Avx512Bf16KernelProvider}, under the name {@code avx512bf16}.
 */
public final class Avx512Bf16MatMul extends TiledMatMul {

    /** Floating-point operations of one round of {@link #dotLoop}: 24 VDPBF16PS of 16 lanes × 2 products × 2 operations. */
    public static final double DOT_LOOP_FLOPS_PER_ROUND = 24.0 * 16 * 2 * 2;
    /** Most rounds {@link #dotLoop} accepts: its result stays an exact float32 below 2²⁴. */
    public static final int DOT_LOOP_MAX_ROUNDS = (1 << 18) - 1;

    private static final ThreadLocal<TiledProduct> PRODUCTS = ThreadLocal.withInitial(() -> new TiledProduct(Avx512Bf16Native.TILES));

    private Avx512Bf16MatMul(int threads) {
        super(threads, PRODUCTS, TiledLayout.BFLOAT16_PAIRS, "avx512-bf16");
    }

    @Override
    protected void tooLargeToPack(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                                  int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        onVectorKernel(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
    }

    /**
     * The product as math's {@code Bf16Operands} on the vector kernel computes it: operands rounded
     * to bfloat16 into copies, then summed in the same order; so this kernel's bits but for the
     * denormals it reads and sums as zero (see above).
     */
    static void onVectorKernel(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                               int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        VectorMatMul.run(rounded(a, (transA ? k : m) * lda), transA, lda, rounded(b, (transB ? n : k) * ldb), transB, ldb,
                c, m, n, k, accumulate, bias, relu, pool);
    }

    private static float[] rounded(float[] x, int values) {
        float[] copy = new float[values];
        Bfloat16.round(x, copy, 0, values);
        return copy;
    }

    /** True when this process can run the AVX512-BF16 kernel. */
    public static boolean available() {
        return Avx512Bf16Native.UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, in words for a log line; null when it is true. */
    public static String unavailableReason() {
        return Avx512Bf16Native.UNAVAILABLE;
    }

    /**
     * Shares large products over {@code threads} threads, like math's {@code VectorMatMul.withThreads}.
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     */
    public static Avx512Bf16MatMul withThreads(int threads) {
        requireAvailable();
        return new Avx512Bf16MatMul(threads);
    }

    /**
     * VDPBF16PS alone, for measuring its ceiling: {@code rounds} rounds of 24 independent
     * instructions on operands held in registers, no memory traffic
     * ({@link #DOT_LOOP_FLOPS_PER_ROUND} each). Returns the sum of one lane of every accumulator,
     * exactly 48·rounds when every instruction ran.
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     * @throws IllegalArgumentException unless 1 ≤ rounds ≤ {@link #DOT_LOOP_MAX_ROUNDS}
     */
    public static float dotLoop(int rounds) {
        requireAvailable();
        if (rounds < 1 || rounds > DOT_LOOP_MAX_ROUNDS) {
            throw new IllegalArgumentException("dot loop rounds must be in 1.." + DOT_LOOP_MAX_ROUNDS + ", got " + rounds);
        }
        return Avx512Bf16Native.dotLoop(rounds);
    }

    private static void requireAvailable() {
        requireAvailable(unavailableReason(), "the AVX512-BF16 kernel");
    }
}
