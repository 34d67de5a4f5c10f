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
 * block, and a demand miss on C stalls the kernel; with k = 4096 that cost a third of the time.
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

    /** Computes rows {@code [i0, i1)} × columns {@code [j0, j1)} of the product's C. Requires k > 0. */
    static void compute(Product pr, int i0, int i1, int j0, int j1, PackBuffers buf) {
        int k = pr.k;
        int blocksOfK = (k + KC - 1) / KC;
        // Column block: as wide as the packed-B budget allows, so A is packed as few times as possible.
        int ncMax = Math.max(NR, PACKED_B_FLOATS / k / NR * NR);
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            int ncPadded = roundUp(nc, NR);
            float[] bp = buf.packedB(ncPadded * k);
            for (int pc = 0, block = 0; pc < k; pc += KC, block++) {
                Packing.packB(pr.b, pr.transB, pr.ldb, pc, Math.min(KC, k - pc), jc, nc, bp, block * KC * ncPadded);
            }
            int mcMax = Math.min(MAX_MC, Math.max(MIN_MC, C_BLOCK_FLOATS / ncPadded / MR * MR));
            for (int ic = i0; ic < i1; ic += mcMax) {
                int mc = Math.min(mcMax, i1 - ic);
                float[] ap = buf.packedA(roundUp(mc, MR) * Math.min(KC, k));
                for (int pc = 0, block = 0; block < blocksOfK; pc += KC, block++) {
                    int kc = Math.min(KC, k - pc);
                    boolean load = pr.accumulate || pc > 0;
                    boolean lastBlock = block == blocksOfK - 1;
                    float[] bias = lastBlock ? pr.bias : null;
                    boolean relu = lastBlock && pr.relu;
                    Packing.packA(pr.a, pr.transA, pr.lda, ic, mc, pc, kc, ap);
                    int bBlock = block * KC * ncPadded;
                    for (int jr = 0; jr < nc; jr += NR) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            tile(pr, kc, ap, ir * kc, bp, bBlock + jr * kc, ic + ir, jc + jr,
                                    Math.min(MR, mc - ir), Math.min(NR, nc - jr), load, bias, relu, buf);
                        }
                    }
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
