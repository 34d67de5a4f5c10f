package switchyard.kernels;

import static switchyard.kernels.AmxNative.STEP_BYTES;
import static switchyard.kernels.AmxNative.panels;

import java.nio.ByteBuffer;
import switchyard.math.linalg.ProductOperands;
import switchyard.math.linalg.Stage;
import switchyard.math.linalg.WorkerPool;

/**
 * One AMX product and how its work is shared out; per calling thread and reused, like the vector
 * kernel's product driver. Two stages: packing B (whole, in groups of panels, shared by everyone), then
 * the multiply in blocks of C, each of which packs its own rows of A into its thread's scratch
 * and multiplies them by its columns of B while they are still in cache. Each output element is
 * computed by one native call over all of k in a fixed order: bit-identical for any number of
 * threads.
 *
 * <p>Every block reads its columns of packed B once and packs its rows of A once, so blocks are as
 * tall as the scratch allows; when that leaves too few blocks for the threads, the operand that
 * costs less to repeat is split: rows when B is the smaller one, columns when A is.
 */
final class AmxProduct extends ProductOperands {

    private static final ThreadLocal<AmxProduct> LOCAL = ThreadLocal.withInitial(AmxProduct::new);
    /** Each thread's packed rows of A (a worker may serve several products). */
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[1]);
    /** Panels per B packing part: 256 columns. */
    private static final int PACK_PANELS = 8;
    /** Row blocks per busy thread the multiply aims for, so uneven ones still balance. */
    private static final int PARTS_PER_THREAD = 2;
    /**
     * Most row panels per block: each block reads all of packed B once, so taller blocks read it
     * fewer times.
     */
    private static final int MAX_ROW_PANELS = 16;
    /** Most packed A per row block (4 MiB: 16 panels of k = 2048). */
    private static final int SCRATCH_BYTES = 4 << 20;

    private int rowPanels;
    private int columnPanels;
    private int rowsPerPart;
    private int columnsPerPart;
    private int columnParts;
    private ByteBuffer packedB;
    private boolean bf16;

    private final Stage packing = new Stage() {
        @Override
        protected void runPart(int part) {
            int jp0 = part * PACK_PANELS;
            AmxNative.packB(b, transB, ldb, k, n, jp0, Math.min(columnPanels, jp0 + PACK_PANELS), packedB);
        }
    };

    private final Stage multiply = new Stage() {
        @Override
        protected void runPart(int part) {
            int ip0 = (part / columnParts) * rowsPerPart;
            int jp0 = (part % columnParts) * columnsPerPart;
            ByteBuffer[] scratch = SCRATCH.get();
            scratch[0] = AmxNative.packedBuffer(scratch[0], rowsPerPart, k);
            AmxNative.multiplyBlock(a, transA, lda, packedB, transB, scratch[0], c, m, n, k,
                    ip0, Math.min(rowPanels, ip0 + rowsPerPart), jp0, Math.min(columnPanels, jp0 + columnsPerPart),
                    accumulate, bias, relu, bf16);
        }
    };

    static AmxProduct local() {
        return LOCAL.get();
    }

    /**
     * Runs {@code c (+)= op(a)·op(b)} with its epilogue, with {@code pool}'s help or alone; m, n, k &gt; 0.
     * With {@code bf16} the operands are rounded to bfloat16 (one tile product per step).
     */
    void run(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
             int m, int n, int k, boolean accumulate, float[] bias, boolean relu, boolean bf16, WorkerPool pool) {
        describe(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu);
        this.bf16 = bf16;
        try {
            rowPanels = panels(m);
            columnPanels = panels(n);
            packedB = AmxNative.packedBuffer(packedB, columnPanels, k);
            packing.runOn(pool, (columnPanels + PACK_PANELS - 1) / PACK_PANELS);
            // Sized for the threads free now: cutting a product for helpers that are busy with
            // another rank's product only repeats packing.
            share(pool == null ? 1 : pool.threadsFree());
            multiply.runOn(pool, ((rowPanels + rowsPerPart - 1) / rowsPerPart) * columnParts);
        } finally {
            forget();
        }
    }

    /** Sizes the blocks of C for {@code threads} threads (see the class comment). */
    private void share(int threads) {
        int fits = Math.max(1, SCRATCH_BYTES / (panels(k) * STEP_BYTES));
        rowsPerPart = Math.min(Math.min(MAX_ROW_PANELS, fits), rowPanels);
        columnsPerPart = columnPanels;
        int wanted = threads == 1 ? 1 : PARTS_PER_THREAD * threads;
        int rowParts = (rowPanels + rowsPerPart - 1) / rowsPerPart;
        if (rowParts < wanted && columnPanels > rowPanels) {
            int split = (wanted + rowParts - 1) / rowParts;
            columnsPerPart = Math.max(1, (columnPanels + split - 1) / split);
        } else if (rowParts < wanted) {
            rowsPerPart = Math.max(1, (rowPanels + wanted - 1) / wanted);
        }
        columnParts = (columnPanels + columnsPerPart - 1) / columnsPerPart;
    }
}
