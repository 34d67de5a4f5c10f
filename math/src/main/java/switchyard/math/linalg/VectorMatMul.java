package switchyard.math.linalg;

/**
 * {@link MatMul} on the JDK Vector API: operands are packed into cache-sized panels
 * ({@link Packing}, which also absorbs transposes) and fed to one register-blocked FMA kernel
 * ({@link MicroKernel}) under a Goto-style loop nest ({@link BlockedProduct}).
 *
 * <p>Each output element is summed in blocks of {@link BlockedProduct#KC} steps of k, in
 * increasing order: each block is one fused-multiply-add chain from zero, added to the running
 * value (which starts at zero, or at c when accumulating). Threads share out rectangles of c,
 * never k, so results are bit-identical for every thread count. Products under
 * {@link #PARALLEL_MIN_FLOPS} run on the calling thread, where waking workers would cost more
 * than it saves. With N threads, every instance shares one {@link WorkerPool} whose workers help
 * whichever callers are multiplying while fewer than N threads are busy, so several rank actors
 * multiplying at once never oversubscribe the cores.
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector}; use {@link MatMuls#best()} to fall back
 * to EJML when the module is absent. Instances are thread-safe.
 */
public final class VectorMatMul extends PooledMatMul {

    private VectorMatMul(int threads) {
        super(threads);
    }

    /** Runs every product on the calling thread. */
    public static VectorMatMul singleThreaded() {
        return new VectorMatMul(1);
    }

    /**
     * Splits large products over {@code threads} threads: the caller plus {@code threads − 1}
     * daemon workers shared by every instance with the same count.
     */
    public static VectorMatMul withThreads(int threads) {
        return new VectorMatMul(threads);
    }

    @Override
    protected void product(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                           int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        run(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
    }

    /**
     * The vector product itself, for {@link PooledMatMul}s that hand it the products too small for
     * their own kernel, with the arguments and pool their {@link PooledMatMul#product} was given.
     */
    public static void run(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                           int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        Product product = Product.local().set(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu);
        try {
            product.run(pool);
        } finally {
            product.forget();
        }
    }

    @Override
    public String name() {
        return threads() == 1 ? "vector(1 thread)" : "vector(" + threads() + " threads)";
    }
}
