package switchyard.kernels;

import static switchyard.kernels.TiledLayout.TILE_ROWS;
import static switchyard.kernels.TiledLayout.groups;
import static switchyard.kernels.TiledLayout.panels;

import java.nio.ByteBuffer;
import switchyard.math.linalg.ProductOperands;
import switchyard.math.linalg.Stage;
import switchyard.math.linalg.WorkerPool;

/**
 * One product of an AVX-512 kernel (float32, or AVX512-BF16; see {@link TiledNatives}) and how
 * its work is shared out; per calling thread and kernel, and reused, like the AMX kernel's
 * {@link AmxProduct}. Stages: packing B whole (shared by everyone, in parts that each
 * read whole rows of the source), then the multiply in rectangles of C, each of which packs its
 * own rows of A into its thread's scratch and multiplies them by its columns of B while they are
 * still in cache. A transposed is packed whole first instead, like B: a rectangle's rows are
 * strips of every one of its source rows, and reading whole rows is far faster. Each output element
 * is computed by one native call over all of k in a fixed order: bit-identical for any number of
 * threads.
 *
 * <p>A rectangle is {@link #ROWS_PER_PART} rows by default: its C block and the A and B blocks of
 * one k block then share L2 (see tiled_gemm.h). When that leaves too few rectangles for the
 * threads, the operand that costs less to repeat is split: rows when B is the smaller one,
 * columns when A is.
 */
final class TiledProduct extends ProductOperands {

    /** Each thread's packed rows of A (a worker may serve several products). */
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[1]);
    /** Panels per packing part of B transposed: 256 columns. */
    private static final int PACK_PANELS = 4;
    /** Source rows of k per packing part of B (or A transposed). */
    private static final int PACK_ROWS = 128;
    /** Rectangles per busy thread the multiply aims for, so uneven ones still balance. */
    private static final int PARTS_PER_THREAD = 3;
    /** Rows of a rectangle: 32 tiles of 6 rows. */
    static final int ROWS_PER_PART = 32 * TILE_ROWS;

    private final TiledNatives kernel;
    private final TiledLayout layout;
    /** Steps of k per packing part of B (or A transposed): {@link #PACK_ROWS} source rows. */
    private final int packSteps;
    private int columnPanels;
    private int rowsPerPart;
    private int columnsPerPart;
    private int columnParts;
    private ByteBuffer packedB;
    /** All of A when it is transposed, else unused. */
    private ByteBuffer packedA;

    private final Stage packing = new Stage() {
        @Override
        protected void runPart(int part) {
            int step = transB ? PACK_PANELS : packSteps;
            int end = transB ? columnPanels : layout.steps(k);
            kernel.packB(b, transB, ldb, k, n, part * step, Math.min(end, (part + 1) * step), packedB);
        }
    };

    private final Stage packingA = new Stage() {
        @Override
        protected void runPart(int part) {
            int q0 = part * packSteps;
            kernel.packTransposedA(a, lda, k, m, q0, Math.min(layout.steps(k), q0 + packSteps), packedA);
        }
    };

    private final Stage multiply = new Stage() {
        @Override
        protected void runPart(int part) {
            int i0 = (part / columnParts) * rowsPerPart;
            int jp0 = (part % columnParts) * columnsPerPart;
            ByteBuffer rows = packedA;
            if (!transA) {
                ByteBuffer[] scratch = SCRATCH.get();
                rows = scratch[0] = layout.packedRows(scratch[0], rowsPerPart, k);
            }
            kernel.multiplyBlock(a, transA, lda, packedB, rows, c, n, k,
                    i0, Math.min(m, i0 + rowsPerPart), jp0, Math.min(columnPanels, jp0 + columnsPerPart),
                    accumulate, bias, relu);
        }
    };

    TiledProduct(TiledNatives kernel) {
        this.kernel = kernel;
        this.layout = kernel.layout();
        this.packSteps = layout.steps(PACK_ROWS);
    }

    /** Runs {@code c (+)= op(a)·op(b)} with its epilogue, with {@code pool}'s help or alone; m, n, k &gt; 0. */
    void run(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
             int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        describe(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu);
        try {
            columnPanels = panels(n);
            int stepParts = groups(layout.steps(k), packSteps);
            packedB = layout.packedB(packedB, n, k);
            packing.runOn(pool, transB ? groups(columnPanels, PACK_PANELS) : stepParts);
            if (transA) {
                packedA = layout.packedTransposedA(packedA, m, k);
                packingA.runOn(pool, stepParts);
            }
            // Sized for the threads free now: cutting a product for helpers that are busy with
            // another rank's product only repeats packing.
            share(pool == null ? 1 : pool.threadsFree());
            multiply.runOn(pool, groups(m, rowsPerPart) * columnParts);
        } finally {
            forget();
        }
    }

    /**
     * Sizes the rectangles of C for {@code threads} threads (see the class comment). Rectangles
     * start at whole tiles of rows, as packed A transposed needs.
     */
    private void share(int threads) {
        rowsPerPart = Math.min(ROWS_PER_PART, m);
        columnsPerPart = columnPanels;
        int wanted = threads == 1 ? 1 : PARTS_PER_THREAD * threads;
        int rowParts = groups(m, rowsPerPart);
        if (rowParts < wanted && (long) columnPanels * TiledLayout.PANEL > m) {
            int split = (wanted + rowParts - 1) / rowParts;
            columnsPerPart = Math.max(1, (columnPanels + split - 1) / split);
        } else if (rowParts < wanted) {
            int rows = groups(m, wanted);
            rowsPerPart = Math.max(TILE_ROWS, (rows + TILE_ROWS - 1) / TILE_ROWS * TILE_ROWS);
        }
        columnParts = (columnPanels + columnsPerPart - 1) / columnsPerPart;
    }
}
