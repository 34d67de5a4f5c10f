package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;

/**
 * Cache blocking around {@link MicroKernel} (the Goto/BLIS loop nest): a KC×NC block of B is packed
 * once and stays in the outer caches, an MC×KC block of A is packed into L2, and each KC×NR
 * micro-panel of B stays in L1 while the A micro-panels stream past it.
 */
final class BlockedProduct {

    /** Steps of k per block: a KC×NR B micro-panel (32 KiB with 512-bit vectors) fits L1. */
    static final int KC = 256;
    /** Rows of A per block: an MC×KC packed A block (256 KiB) sits in L2 next to the C tiles it feeds. */
    static final int MC = 256;
    /** Columns of B per block; large, so A is packed only once per k block. */
    static final int NC = 4096;

    private BlockedProduct() {
    }

    /** Computes rows {@code [i0, i1)} × columns {@code [j0, j1)} of the product's C. Requires k > 0. */
    static void compute(Product pr, int i0, int i1, int j0, int j1, PackBuffers buf) {
        int k = pr.k;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int ncPadded = roundUp(nc, NR);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = pr.accumulate || pc > 0;
                boolean lastBlock = pc + kc == k;
                float[] bias = lastBlock ? pr.bias : null;
                boolean relu = lastBlock && pr.relu;
                float[] bp = buf.packedB(kc * ncPadded);
                Packing.packB(pr.b, pr.transB, pr.ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    float[] ap = buf.packedA(roundUp(mc, MR) * kc);
                    Packing.packA(pr.a, pr.transA, pr.lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            tile(pr, kc, ap, ir * kc, bp, jr * kc, ic + ir, jc + jr,
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
