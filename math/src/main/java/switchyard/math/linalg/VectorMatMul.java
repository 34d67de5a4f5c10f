package switchyard.math.linalg;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;

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
public final class VectorMatMul implements MatMul {

    /** 2·m·n·k below which a product runs inline: about 10 µs of kernel time on one core. */
    static final long PARALLEL_MIN_FLOPS = 2L << 20;

    private final int threads;
    /** Null when single-threaded. */
    private final WorkerPool pool;

    private VectorMatMul(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? WorkerPool.shared(threads) : null;
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
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return new VectorMatMul(threads);
    }

    public int threads() {
        return threads;
    }

    @Override
    public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mul", a, false, b, false, c, accumulate);
        run(a, false, b, false, c, a.numCols, accumulate, null, false);
    }

    @Override
    public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mulTransA", a, true, b, false, c, accumulate);
        run(a, true, b, false, c, a.numRows, accumulate, null, false);
    }

    @Override
    public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mulTransB", a, false, b, true, c, accumulate);
        run(a, false, b, true, c, a.numCols, accumulate, null, false);
    }

    @Override
    public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        ShapeCheck.biasRow("mulBias", bias, b, c);
        ShapeCheck.product("mulBias", a, false, b, false, c, false);
        run(a, false, b, false, c, a.numCols, false, bias.data, relu);
    }

    private void run(FMatrixRMaj a, boolean transA, FMatrixRMaj b, boolean transB, FMatrixRMaj c,
                     int k, boolean accumulate, float[] bias, boolean relu) {
        int m = c.numRows;
        int n = c.numCols;
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            emptySum(c, accumulate, bias, relu);
            return;
        }
        Product product = Product.local()
                .set(a.data, transA, a.numCols, b.data, transB, b.numCols, c.data, m, n, k, accumulate, bias, relu);
        try {
            if (pool == null || 2L * m * n * k < PARALLEL_MIN_FLOPS) {
                product.run(null);
            } else {
                pool.enter();
                try {
                    product.run(pool);
                } finally {
                    pool.leave();
                }
            }
        } finally {
            product.clear();
        }
    }

    /** k = 0: every sum is empty, so c is its start value put through the epilogue. */
    private static void emptySum(FMatrixRMaj c, boolean accumulate, float[] bias, boolean relu) {
        int m = c.numRows;
        int n = c.numCols;
        float[] out = c.data;
        if (!accumulate) {
            Arrays.fill(out, 0, m * n, 0f);
        }
        if (bias == null && !relu) {
            return;
        }
        for (int i = 0, at = 0; i < m; i++) {
            for (int j = 0; j < n; j++, at++) {
                float v = bias == null ? out[at] : out[at] + bias[j];
                out[at] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    @Override
    public String name() {
        return threads == 1 ? "vector(1 thread)" : "vector(" + threads + " threads)";
    }

    @Override
    public String toString() {
        return name();
    }
}
