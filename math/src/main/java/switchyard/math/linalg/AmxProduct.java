package switchyard.math.linalg;

import static switchyard.math.linalg.AmxNative.COLUMN_BLOCK_PANELS;
import static switchyard.math.linalg.AmxNative.panels;

import java.nio.ByteBuffer;

/**
 * One AMX product and how its work is shared out; per calling thread and reused, like
 * {@link Product}. Two stages: packing (both operands, whole, in groups of panels) and the
 * multiply, in rectangles of C. Each rectangle runs the native loop nest over all of k, so every
 * output element is summed in the same order whoever computes it: bit-identical for any number
 * of threads.
 */
final class AmxProduct {

    private static final ThreadLocal<AmxProduct> LOCAL = ThreadLocal.withInitial(AmxProduct::new);
    /** Panels per packing part: 256 rows of A or 256 columns of B. */
    private static final int PACK_PANELS = 8;
    /** Rectangles per busy thread the multiply aims for, so uneven ones still balance. */
    private static final int PARTS_PER_THREAD = 4;
    /** Row panels per rectangle before splitting further for more parts. */
    private static final int ROW_PANELS = 8;
    /** Fewest column panels per rectangle when splitting for more parts. */
    private static final int MIN_COLUMN_PANELS = 4;

    private float[] a;
    private boolean transA;
    private int lda;
    private float[] b;
    private boolean transB;
    private int ldb;
    private float[] c;
    private int m;
    private int n;
    private int k;
    private boolean accumulate;
    private float[] bias;
    private boolean relu;

    private int rowPanels;
    private int columnPanels;
    private int packPartsA;
    private int rowsPerPart;
    private int columnsPerPart;
    private int columnParts;
    private ByteBuffer packedA;
    private ByteBuffer packedB;

    private final Stage packing = new Stage() {
        @Override
        void runPart(int part) {
            if (part < packPartsA) {
                int ip0 = part * PACK_PANELS;
                AmxNative.packA(a, transA, lda, m, k, ip0, Math.min(rowPanels, ip0 + PACK_PANELS), packedA);
            } else {
                int jp0 = (part - packPartsA) * PACK_PANELS;
                AmxNative.packB(b, transB, ldb, k, n, jp0, Math.min(columnPanels, jp0 + PACK_PANELS), packedB);
            }
        }
    };

    private final Stage multiply = new Stage() {
        @Override
        void runPart(int part) {
            int ip0 = (part / columnParts) * rowsPerPart;
            int jp0 = (part % columnParts) * columnsPerPart;
            AmxNative.multiply(packedA, packedB, c, m, n, k, transA, transB, ip0, Math.min(rowPanels, ip0 + rowsPerPart),
                    jp0, Math.min(columnPanels, jp0 + columnsPerPart), accumulate, bias, relu);
        }
    };

    static AmxProduct local() {
        return LOCAL.get();
    }

    /** Runs {@code c (+)= op(a)·op(b)} with its epilogue, with {@code pool}'s help or alone; m, n, k &gt; 0. */
    void run(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
             int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
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
        try {
            rowPanels = panels(m);
            columnPanels = panels(n);
            packedA = AmxNative.packedBuffer(packedA, rowPanels, k);
            packedB = AmxNative.packedBuffer(packedB, columnPanels, k);
            packPartsA = (rowPanels + PACK_PANELS - 1) / PACK_PANELS;
            packing.runOn(pool, packPartsA + (columnPanels + PACK_PANELS - 1) / PACK_PANELS);
            share(pool == null ? 1 : pool.budget());
            multiply.runOn(pool, ((rowPanels + rowsPerPart - 1) / rowsPerPart) * columnParts);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
            this.bias = null;
        }
    }

    /**
     * Cuts C into rectangles: whole column blocks of the native loop nest and 8 row panels, then
     * narrower and lower ones until there are enough parts for {@code threads} threads.
     */
    private void share(int threads) {
        rowsPerPart = Math.min(ROW_PANELS, rowPanels);
        columnsPerPart = Math.min(COLUMN_BLOCK_PANELS, columnPanels);
        int wanted = threads == 1 ? 1 : PARTS_PER_THREAD * threads;
        while (parts() < wanted && columnsPerPart > MIN_COLUMN_PANELS) {
            columnsPerPart = (columnsPerPart + 1) / 2;
        }
        while (parts() < wanted && rowsPerPart > 1) {
            rowsPerPart = (rowsPerPart + 1) / 2;
        }
        columnParts = (columnPanels + columnsPerPart - 1) / columnsPerPart;
    }

    private int parts() {
        return ((rowPanels + rowsPerPart - 1) / rowsPerPart) * ((columnPanels + columnsPerPart - 1) / columnsPerPart);
    }
}
