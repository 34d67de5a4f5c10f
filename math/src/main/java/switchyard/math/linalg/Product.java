package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.NR;

/**
 * One product {@code c (+)= op(a)·op(b)} with its optional bias/ReLU epilogue, and how its work is
 * shared out. Instances are per calling thread and reused (see {@link #local}), so dispatching a
 * product allocates nothing.
 *
 * <p>For each column block of B, two {@link Stage}s run: packing B (one part per k block, into
 * the caller's buffer, shared by everyone), then the row blocks over it, cut into column ranges
 * when there are too few rows to go round. Parts are rectangles of C, never slices of k, so every
 * output element is computed by exactly one thread in the same order a single thread would use:
 * results are bit-identical for any number of threads.
 */
final class Product {

    private static final ThreadLocal<Product> LOCAL = ThreadLocal.withInitial(Product::new);
    /** Parts per busy thread a compute stage aims for, so uneven parts still balance. */
    private static final int PARTS_PER_THREAD = 4;

    float[] a;
    boolean transA;
    /** Row length of a's backing array. */
    int lda;
    float[] b;
    boolean transB;
    int ldb;
    /** Row-major [m×n]. */
    float[] c;
    int m;
    int n;
    int k;
    boolean accumulate;
    /** Null when there is no bias. */
    float[] bias;
    boolean relu;

    // The column block being worked on; written by the owner between stages only.
    private int jc;
    private int nc;
    private int ncPadded;
    private int mc;
    private int chunks;
    private float[] packedB;

    private final Stage packing = new Stage() {
        @Override
        void runPart(int block) {
            BlockedProduct.packB(Product.this, block, jc, nc, ncPadded, packedB);
        }
    };

    private final Stage rows = new Stage() {
        @Override
        void runPart(int part) {
            int rowBlock = part / chunks;
            int chunk = part % chunks;
            int panels = ncPadded / NR;
            int ic = rowBlock * mc;
            int jr0 = NR * (int) ((long) panels * chunk / chunks);
            int jr1 = NR * (int) ((long) panels * (chunk + 1) / chunks);
            BlockedProduct.rowBlock(Product.this, ic, Math.min(mc, m - ic), jc, nc, ncPadded, jr0, jr1,
                    packedB, PackBuffers.local());
        }
    };

    static Product local() {
        return LOCAL.get();
    }

    Product set(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb,
                float[] c, int m, int n, int k, boolean accumulate, float[] bias, boolean relu) {
        this.a = a;
        this.transA = transA;
        this.lda = lda;
        this.b = b;
        this.transB = transB;
        this.ldb = ldb;
        this.c = c;
        this.m = m;
        this.n = n;
        this.k = k;
        this.accumulate = accumulate;
        this.bias = bias;
        this.relu = relu;
        return this;
    }

    /** Drops the operand references so an idle thread's reusable instance does not pin them. */
    void clear() {
        a = null;
        b = null;
        c = null;
        bias = null;
        packedB = null;
    }

    /** Runs the product with {@code pool}'s help, or alone when it is null. Requires m, n, k > 0. */
    void run(WorkerPool pool) {
        int threads = pool == null ? 1 : pool.budget();
        int ncMax = BlockedProduct.maxColumnBlock(k);
        int blocksOfK = BlockedProduct.blocksOfK(k);
        for (jc = 0; jc < n; jc += ncMax) {
            nc = Math.min(ncMax, n - jc);
            ncPadded = BlockedProduct.roundUp(nc, NR);
            mc = BlockedProduct.rowBlock(ncPadded);
            packedB = PackBuffers.local().packedB(ncPadded * k);
            int rowBlocks = (m + mc - 1) / mc;
            chunks = chunks(rowBlocks, ncPadded, threads);
            runStage(pool, packing, blocksOfK);
            runStage(pool, rows, rowBlocks * chunks);
        }
    }

    /** Parts {@link #run} gives the row stage of the first column block, on {@code threads} threads. */
    int rowParts(int threads) {
        int padded = BlockedProduct.roundUp(Math.min(BlockedProduct.maxColumnBlock(k), n), NR);
        int rowBlocks = (m + BlockedProduct.rowBlock(padded) - 1) / BlockedProduct.rowBlock(padded);
        return rowBlocks * chunks(rowBlocks, padded, threads);
    }

    /** Column ranges per row block: enough parts to keep {@code threads} threads busy, at most one per micro-panel. */
    private static int chunks(int rowBlocks, int ncPadded, int threads) {
        if (threads == 1) {
            return 1;
        }
        int wanted = (PARTS_PER_THREAD * threads + rowBlocks - 1) / rowBlocks;
        return Math.max(1, Math.min(ncPadded / NR, wanted));
    }

    private static void runStage(WorkerPool pool, Stage stage, int parts) {
        if (pool == null || parts == 1) {
            stage.runAllHere(parts);
        } else {
            pool.run(stage, parts);
        }
    }
}
