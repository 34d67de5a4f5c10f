package switchyard.kernels;

import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.linalg.WorkerPool;

/**
 * {@link MatMul} in float32 on AVX-512, in native code: math's vector kernel's semantics and bits
 * (each element summed in blocks of 256 values of k, each block one fused multiply-add chain in
 * increasing k from zero, added to the running value, then bias and ReLU), in the AVX512-BF16
 * kernel's loop ({@link TiledProduct}: 6×64 tiles of 24 accumulators, packing by whole source
 * rows) with FMAs in place of VDPBF16PS. It exists because it runs closer to the FMA ceiling than
 * the JIT-compiled vector kernel (figures in docs/performance-notes.md).
 *
 * <p>Every product runs on the native kernel, however small. Threads share rectangles of C
 * through the same {@link WorkerPool} as math's kernels, so results are bit-identical for any
 * thread count. Runs only where {@link #available()}: an x86-64 Linux CPU with AVX-512 (F, BW,
 * VL) and a build that compiled the native kernel (see src/main/c). Math finds it through
 * {@link Avx512KernelProvider}, under the name {@code avx512}.
 */
public final class Avx512MatMul extends TiledMatMul {

    private static final ThreadLocal<TiledProduct> PRODUCTS = ThreadLocal.withInitial(() -> new TiledProduct(Avx512Native.TILES));

    private Avx512MatMul(int threads) {
        super(threads, PRODUCTS, TiledLayout.FLOAT32, "avx512");
    }

    /** The same bits, so nothing but the speed tells. */
    @Override
    protected void tooLargeToPack(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                                  int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        VectorMatMul.run(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
    }

    /** True when this process can run the AVX-512 float32 kernel. */
    public static boolean available() {
        return Avx512Native.UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, in words for a log line; null when it is true. */
    public static String unavailableReason() {
        return Avx512Native.UNAVAILABLE;
    }

    /**
     * Shares large products over {@code threads} threads, like math's {@code VectorMatMul.withThreads}.
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     */
    public static Avx512MatMul withThreads(int threads) {
        requireAvailable(unavailableReason(), "the AVX-512 float32 kernel");
        return new Avx512MatMul(threads);
    }
}
