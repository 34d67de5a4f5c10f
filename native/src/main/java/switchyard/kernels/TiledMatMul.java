package switchyard.kernels;

import switchyard.math.linalg.PooledMatMul;
import switchyard.math.linalg.WorkerPool;

/**
 * What the two AVX-512 kernels' {@code MatMul}s share: every product, however small, runs on the
 * native kernel through the calling thread's {@link TiledProduct} unless its packed operands would
 * pass 2 GiB, and the name says the kernel and its threads.
 */
abstract class TiledMatMul extends PooledMatMul {

    private final ThreadLocal<TiledProduct> products;
    private final TiledLayout layout;
    private final String kernel;

    /**
     * @param products the calling thread's product for this kernel (one per kernel and thread, so
     *     that its packing buffers are reused by every instance)
     * @param layout how the kernel packs its operands
     * @param kernel the name's stem, e.g. {@code "avx512"}
     */
    TiledMatMul(int threads, ThreadLocal<TiledProduct> products, TiledLayout layout, String kernel) {
        super(threads);
        this.products = products;
        this.layout = layout;
        this.kernel = kernel;
    }

    /** Throws, with {@code unavailable} as the reason, unless it is null. */
    static void requireAvailable(String unavailable, String what) {
        if (unavailable != null) {
            throw new IllegalStateException(what + " cannot run here: " + unavailable);
        }
    }

    @Override
    protected final void product(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                                 int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        if (layout.fits(m, n, k, transA, TiledProduct.ROWS_PER_PART)) {
            products.get().run(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
        } else {
            tooLargeToPack(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
        }
    }

    /**
     * A product whose packed operands would not fit the kernel's buffers (a B of more than 2 GiB,
     * such as a weight gradient over half a billion values), on math's vector kernel, which packs B
     * a column block at a time, with this kernel's semantics.
     */
    protected abstract void tooLargeToPack(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                                           int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool);

    @Override
    public final String name() {
        return kernel + "(" + (threads() == 1 ? "1 thread" : threads() + " threads") + ")";
    }
}
