package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;

/**
 * Cache blocking around {@link MicroKernel}, a Goto/BLIS-style loop nest reordered so that a block
 * of C stays in L2 while all of k is swept over it:
 * <pre>
 *   for each column block jc (NC wide):      pack B[0:k, jc] into KC-step blocks of NR-wide micro-panels
 *     for each row block ic (MC high):
 *       for each k block pc (KC steps):      pack A[ic, pc] (MC×KC, lives in L2)
 *         for each micro-panel jr, row tile ir: kernel  (B micro-panel KC×NR stays in L1)
 * </pre>
 * The textbook order (k blocks outside row blocks) re-reads every C tile from memory once per k
 * block, and a demand miss on C stalls the kernel, the more often the longer k is.
 *
 * <p>{@link Product} drives the two outer loops and shares their work out: the packing of one
 * column block's B ({@link #packB}, one part per k block) and the row blocks over it
 * ({@link #rowBlock}, optionally cut into column ranges). Both are pure functions of their part.
 */
final class BlockedProduct {

    /** Steps of k per block: a KC×NR B micro-panel (32 KiB with 512-bit vectors) fits L1. */
    static final int KC = 256;
    /** Floats of packed B per column block (8 MiB): bounds NC when k is large. */
    private static final int PACKED_B_FLOATS = 2 << 20;
    /** Floats of C per MC×NC block (1 MiB), half of L2, next to the packed A block. */
    private static final int C_BLOCK_FLOATS = 256 << 10;
    /** Rows per A block: bounds for the MC derived from {@link #C_BLOCK_FLOATS}. */
    private static final int MIN_MC = 4 * MR;
    private static final int MAX_MC = 512;

    private BlockedProduct() {
    }

    /** Widest column block for inner dimension k: as wide as the packed-B budget allows, so A is packed as few times as possible. */
    static int maxColumnBlock(int k) {
        return Math.max(NR, PACKED_B_FLOATS / k / NR * NR);
    }

    /** Rows per row block when the column block is {@code ncPadded} wide. */
    static int rowsPerBlock(int ncPadded) {
        return Math.min(MAX_MC, Math.max(MIN_MC, C_BLOCK_FLOATS / ncPadded / MR * MR));
    }

    static int blocksOfK(int k) {
        return (k + KC - 1) / KC;
    }

    /** Packs k block {@code block} of columns {@code [jc, jc+nc)} of B into its place in {@code bp}. */
    static void packB(Product pr, int block, int jc, int nc, int ncPadded, float[] bp) {
        int pc = block * KC;
        Packing.packB(pr.b, pr.transB, pr.ldb, pc, Math.min(KC, pr.k - pc), jc, nc, bp, block * KC * ncPadded);
    }

    /**
     * Packs rows {@code [i0, i0+rows)} of k block {@code block} of the whole A into {@code ap}
     * ({@code mPadded} = m rounded up to MR): every block's micro-panels, in row order, one block
     * after the other. For products that would otherwise pack the same A block once per column
     * block or column range.
     */
    static void packA(Product pr, int block, int i0, int rows, int mPadded, float[] ap) {
        int pc = block * KC;
        int kc = Math.min(KC, pr.k - pc);
        Packing.packA(pr.a, pr.transA, pr.lda, i0, rows, pc, kc, ap, block * KC * mPadded + i0 * kc);
    }

    /**
     * Computes rows {@code [ic, ic+mc)} × columns {@code [jc+jr0, jc+jr1)} of C over all of k,
     * from the packed column block {@code bp} (columns {@code [jc, jc+nc)}, padded to {@code ncPadded})
     * and either the whole A packed by {@link #packA} ({@code packedA}, m padded to {@code mPadded})
     * or, when that is null, A blocks packed here.
     */
    static void rowBlock(Product pr, int ic, int mc, int jc, int nc, int ncPadded, int jr0, int jr1,
                         float[] bp, float[] packedA, int mPadded, PackBuffers buf) {
        int k = pr.k;
        int blocksOfK = blocksOfK(k);
        float[] ap = packedA != null ? packedA : buf.packedA(roundUp(mc, MR) * Math.min(KC, k));
        for (int pc = 0, block = 0; block < blocksOfK; pc += KC, block++) {
            int kc = Math.min(KC, k - pc);
            boolean load = pr.accumulate || pc > 0;
            boolean lastBlock = block == blocksOfK - 1;
            float[] bias = lastBlock ? pr.bias : null;
            boolean relu = lastBlock && pr.relu;
            int aAt = 0;
            if (packedA != null) {
                aAt = block * KC * mPadded + ic * kc;
            } else {
                Packing.packA(pr.a, pr.transA, pr.lda, ic, mc, pc, kc, ap, 0);
            }
            int bBlock = block * KC * ncPadded;
            for (int jr = jr0; jr < jr1; jr += NR) {
                for (int ir = 0; ir < mc; ir += MR) {
                    tile(pr, kc, ap, aAt + ir * kc, bp, bBlock + jr * kc, ic + ir, jc + jr,
                            Math.min(MR, mc - ir), Math.min(NR, nc - jr), load, bias, relu, buf);
                }
            }
        }
    }

    /** Updates the tile of C at (row, col) that has {@code rows}×{@code cols} cells inside the matrix. */
    private static void tile(Product pr, int kc, float[] ap, int aOff, float[] bp, int bOff,
                             int row, int col, int rows, int cols, boolean load,
                             float[] bias, boolean relu, PackBuffers buf) {
        int n = pr.n;
        float[] c = pr.c;
        TileTarget target = buf.target;
        if (rows == MR && cols == NR) {
            MicroKernel.update(target.set(c, row * n + col, n, load, bias, col, relu), kc, ap, aOff, bp, bOff);
            return;
        }
        // Edge tile: run the same kernel on a full-size copy, so edge cells get the same
        // arithmetic as interior ones, and write back only the cells that exist.
        float[] t = buf.edgeTile;
        for (int r = 0; r < rows; r++) {
            if (load) {
                System.arraycopy(c, (row + r) * n + col, t, r * NR, cols);
            }
        }
        float[] tileBias = null;
        if (bias != null) {
            tileBias = buf.edgeBias;
            System.arraycopy(bias, col, tileBias, 0, cols);
        }
        MicroKernel.update(target.set(t, 0, NR, load, tileBias, 0, relu), kc, ap, aOff, bp, bOff);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t, r * NR, c, (row + r) * n + col, cols);
        }
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
