package switchyard.kernels;

import switchyard.math.linalg.PooledMatMul;
import switchyard.math.linalg.WorkerPool;

/**
 * What the two AVX-512 kernels' {@code MatMul}s share: every product, however small, runs on the
 * native kernel through the calling thread's {@link TiledProduct}, and the name says the kernel and
 * its threads.
 */
abstract class TiledMatMul extends PooledMatMul {

    private final ThreadLocal<TiledProduct> products;
    private final String kernel;

    /**
     * @param products the calling thread's product for this kernel (one per kernel and thread, so
     *     that its packing buffers are reused by every instance)
     * @param kernel the name's stem, e.g. {@code "avx512"}
     */
    TiledMatMul(int threads, ThreadLocal<TiledProduct> products, String kernel) {
        super(threads);
        this.products = products;
        this.kernel = kernel;
    }

    /** Throws, with {@code unavailable} as the reason, unless it is null. */
    static void requireAvailable(String unavailable, String what) {
        if (unavailable != null) {
            throw new IllegalStateException(what + " cannot run here: " + unavailable);
        }
    }

    @Override
    protected void product(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                                 int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        products.get().run(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
    }

    @Override
    public final String name() {
        return kernel + "(" + (threads() == 1 ? "1 thread" : threads() + " threads") + ")";
    }
}
