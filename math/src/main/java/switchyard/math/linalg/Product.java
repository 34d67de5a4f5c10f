package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.MR;
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
final class Product extends ProductOperands {

    private static final ThreadLocal<Product> LOCAL = ThreadLocal.withInitial(Product::new);
    /**
     * Parts per busy thread a compute stage aims for, so uneven parts still balance. Few: when a
     * row block is cut into column ranges, each range streams the whole packed A block again, which
     * on the weight gradients (k = 8192, A a whole token batch) costs more memory traffic than four
     * parts per thread win back in balance.
     */
    private static final int PARTS_PER_THREAD = 2;
    /** Most floats of A packed once for the whole product (16 MiB); larger A blocks are packed per part. */
    private static final int WHOLE_A_FLOATS = 4 << 20;
    /** Rows of A per packing part. */
    private static final int PACK_A_ROWS = 256;

    // The column block being worked on; written by the owner between stages only.
    private int jc;
    private int nc;
    private int ncPadded;
    private int mc;
    private int chunks;
    private float[] packedB;
    /** All of A packed once, or null when each part packs its own A blocks. */
    private float[] packedA;
    private int mPadded;
    private int packGroups;

    private final Stage packingA = new Stage() {
        @Override
        protected void runPart(int part) {
            int i0 = (part % packGroups) * PACK_A_ROWS;
            BlockedProduct.packA(Product.this, part / packGroups, i0, Math.min(PACK_A_ROWS, m - i0), mPadded, packedA);
        }
    };

    private final Stage packing = new Stage() {
        @Override
        protected void runPart(int block) {
            BlockedProduct.packB(Product.this, block, jc, nc, ncPadded, packedB);
        }
    };

    private final Stage rows = new Stage() {
        @Override
        protected void runPart(int part) {
            int rowBlock = part / chunks;
            int chunk = part % chunks;
            int panels = ncPadded / NR;
            int ic = rowBlock * mc;
            int jr0 = NR * (int) ((long) panels * chunk / chunks);
            int jr1 = NR * (int) ((long) panels * (chunk + 1) / chunks);
            BlockedProduct.rowBlock(Product.this, ic, Math.min(mc, m - ic), jc, nc, ncPadded, jr0, jr1,
                    packedB, packedA, mPadded, PackBuffers.local());
        }
    };

    static Product local() {
        return LOCAL.get();
    }

    Product set(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb,
                float[] c, int m, int n, int k, boolean accumulate, float[] bias, boolean relu) {
        describe(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu);
        return this;
    }

    @Override
    protected void forget() {
        super.forget();
        packedB = null;
        packedA = null;
    }

    /** Runs the product with {@code pool}'s help, or alone when it is null. Requires m, n, k > 0. */
    void run(WorkerPool pool) {
        int threads = pool == null ? 1 : pool.budget();
        int ncMax = BlockedProduct.maxColumnBlock(k);
        int blocksOfK = BlockedProduct.blocksOfK(k);
        packedA = null;
        mPadded = BlockedProduct.roundUp(m, MR);
        int columnBlocks = (n + ncMax - 1) / ncMax;
        int firstPadded = BlockedProduct.roundUp(Math.min(ncMax, n), NR);
        boolean sweptAgain = columnBlocks * chunks(rowBlocks(firstPadded), firstPadded, threads) > 1;
        if (sweptAgain && (long) mPadded * k <= WHOLE_A_FLOATS) {
            // Every column block (and column range) would pack the same A blocks again: pack them once.
            packedA = PackBuffers.local().wholeA(mPadded * k);
            packGroups = (m + PACK_A_ROWS - 1) / PACK_A_ROWS;
            packingA.runOn(pool, packGroups * blocksOfK);
        }
        for (jc = 0; jc < n; jc += ncMax) {
            nc = Math.min(ncMax, n - jc);
            ncPadded = BlockedProduct.roundUp(nc, NR);
            mc = BlockedProduct.rowsPerBlock(ncPadded);
            packedB = PackBuffers.local().packedB(ncPadded * k);
            int rowBlocks = rowBlocks(ncPadded);
            chunks = chunks(rowBlocks, ncPadded, threads);
            packing.runOn(pool, blocksOfK);
            rows.runOn(pool, rowBlocks * chunks);
        }
    }

    /** Parts {@link #run} gives the row stage of the first column block, on {@code threads} threads. */
    int rowParts(int threads) {
        int padded = BlockedProduct.roundUp(Math.min(BlockedProduct.maxColumnBlock(k), n), NR);
        return rowBlocks(padded) * chunks(rowBlocks(padded), padded, threads);
    }

    private int rowBlocks(int ncPadded) {
        int mc = BlockedProduct.rowsPerBlock(ncPadded);
        return (m + mc - 1) / mc;
    }

    /** Column ranges per row block: enough parts to keep {@code threads} threads busy, at most one per micro-panel. */
    private static int chunks(int rowBlocks, int ncPadded, int threads) {
        if (threads == 1) {
            return 1;
        }
        int wanted = (PARTS_PER_THREAD * threads + rowBlocks - 1) / rowBlocks;
        return Math.max(1, Math.min(ncPadded / NR, wanted));
    }
}
