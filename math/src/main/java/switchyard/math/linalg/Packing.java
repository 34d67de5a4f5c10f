package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.LANES;
import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;
import static switchyard.math.linalg.MicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of the operands into the micro-panel layout {@link MicroKernel} streams through.
 * This is where transposes are absorbed: {@code aᵀ} and {@code bᵀ} are just different source
 * strides, so all four products share one kernel. Panels are zero-padded to full tile width so
 * the kernel never needs masks; padded lanes only ever feed padded outputs, which are discarded.
 *
 * <p>A source operand is a row-major array with leading dimension {@code ld}; element (i, p) of
 * the logical A is {@code a[i·ld + p]}, or {@code a[p·ld + i]} when {@code trans}. Likewise
 * element (p, j) of the logical B is {@code b[p·ld + j]}, or {@code b[j·ld + p]} when {@code trans}.
 */
final class Packing {

    private Packing() {
    }

    /**
     * Packs rows {@code [i0, i0+mc)} × steps {@code [p0, p0+kc)} of A into {@code ⌈mc/MR⌉}
     * consecutive micro-panels of {@code MR·kc} floats, each step's MR values adjacent.
     */
    static void packA(float[] a, boolean trans, int ld, int i0, int mc, int p0, int kc, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (trans) {
                // Each step's MR values are already adjacent in the source row p.
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * ld + i0 + ir;
                    int d = base + p * MR;
                    for (int r = 0; r < rows; r++) {
                        dst[d + r] = a[src + r];
                    }
                    for (int r = rows; r < MR; r++) {
                        dst[d + r] = 0f;
                    }
                }
            } else {
                // Read each source row sequentially; the strided writes stay within an L1-sized panel.
                for (int r = 0; r < rows; r++) {
                    int src = (i0 + ir + r) * ld + p0;
                    for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                        dst[d] = a[src + p];
                    }
                }
                for (int r = rows; r < MR; r++) {
                    for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs steps {@code [p0, p0+kc)} × columns {@code [j0, j0+nc)} of B into {@code ⌈nc/NR⌉}
     * consecutive micro-panels of {@code kc·NR} floats, each step's NR values adjacent.
     */
    static void packB(float[] b, boolean trans, int ld, int p0, int kc, int j0, int nc, float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (trans) {
                for (int j = 0; j < cols; j++) {
                    int src = (j0 + jr + j) * ld + p0;
                    for (int p = 0, d = base + j; p < kc; p++, d += NR) {
                        dst[d] = b[src + p];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0, d = base + j; p < kc; p++, d += NR) {
                        dst[d] = 0f;
                    }
                }
            } else if (cols == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * ld + j0 + jr;
                    int d = base + p * NR;
                    for (int j = 0; j < NR; j += LANES) {
                        FloatVector.fromArray(SPECIES, b, src + j).intoArray(dst, d + j);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * ld + j0 + jr;
                    int d = base + p * NR;
                    for (int j = 0; j < cols; j++) {
                        dst[d + j] = b[src + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        dst[d + j] = 0f;
                    }
                }
            }
        }
    }
}
