package switchyard.math.linalg;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.ejml.data.FMatrixRMaj;

/**
 * What the packed kernels share: the {@link MatMul} contract (shape checks, empty shapes, the
 * bias/ReLU epilogue) turned into one call {@link #product} on raw arrays, and a {@link WorkerPool}
 * entered around products large enough to share. Subclasses supply only the product itself.
 *
 * <p>Public so that a kernel outside this package (one found through {@link KernelProvider})
 * keeps the same contract and shares the same workers instead of repeating them.
 */
public abstract class PooledMatMul implements MatMul {

    /** 2·m·n·k below which a product runs inline: about 10 µs of kernel time on one core. */
    protected static final long PARALLEL_MIN_FLOPS = 2L << 20;

    /** The stage {@link #runEach} shares its tasks out with, one per calling thread and reused: running tasks allocates nothing. */
    private static final ThreadLocal<TaskStage> TASKS = ThreadLocal.withInitial(TaskStage::new);

    private final int threads;
    /** Null when single-threaded. */
    private final WorkerPool pool;

    protected PooledMatMul(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? WorkerPool.shared(threads) : null;
    }

    @Override
    public int threads() {
        return threads;
    }

    /**
     * {@code c (+)= op(a)·op(b)}, then bias and ReLU when given; m, n, k &gt; 0. {@code pool} is
     * null for inline products, else already entered by the calling thread.
     */
    protected abstract void product(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                                      int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool);

    @Override
    public final void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mul", a, false, b, false, c, accumulate);
        run(a, false, b, false, c, a.numCols, accumulate, null, false);
    }

    @Override
    public final void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mulTransA", a, true, b, false, c, accumulate);
        run(a, true, b, false, c, a.numRows, accumulate, null, false);
    }

    @Override
    public final void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mulTransB", a, false, b, true, c, accumulate);
        run(a, false, b, true, c, a.numCols, accumulate, null, false);
    }

    @Override
    public final void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        ShapeCheck.biasRow("mulBias", bias, b, c);
        ShapeCheck.product("mulBias", a, false, b, false, c, false);
        run(a, false, b, false, c, a.numCols, false, bias.data, relu);
    }

    /**
     * The tasks are shared out like the parts of a product: the caller and idle workers (within the
     * budget) each take a whole task, and its products run on that thread with no hand-off while
     * every thread has a task of its own. Once the tasks run out, a thread with nothing left helps
     * the products of the tasks still running, part by part (see {@link WorkerPool}).
     */
    @Override
    public final void runEach(int count, IntConsumer task) {
        if (count < 0) {
            throw new IllegalArgumentException("cannot run " + count + " tasks");
        }
        TaskStage stage = TASKS.get();
        if (pool == null || count < 2 || stage.task != null) {
            // nothing to share, or a task running tasks of its own: they run in order
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        stage.task = task;
        pool.enter();
        try {
            stage.runOn(pool, count);
        } finally {
            pool.leave();
            stage.task = null;
        }
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
        if (pool == null || 2L * m * n * k < PARALLEL_MIN_FLOPS) {
            product(a.data, transA, a.numCols, b.data, transB, b.numCols, c.data, m, n, k, accumulate, bias, relu, null);
            return;
        }
        pool.enter();
        try {
            product(a.data, transA, a.numCols, b.data, transB, b.numCols, c.data, m, n, k, accumulate, bias, relu, pool);
        } finally {
            pool.leave();
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
    public String toString() {
        return name();
    }

    private static final class TaskStage extends Stage {
        /** The tasks being run from this thread, or null. */
        IntConsumer task;

        @Override
        protected void runPart(int part) {
            task.accept(part);
        }

        @Override
        protected boolean longParts() {
            return true;
        }
    }
}
