package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.LANES;
import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;
import static switchyard.math.linalg.MicroKernel.SPECIES;

import java.util.Arrays;
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
     * consecutive micro-panels of {@code MR·kc} floats from {@code dst[at]} on, each step's MR
     * values adjacent.
     */
    static void packA(float[] a, boolean trans, int ld, int i0, int mc, int p0, int kc, float[] dst, int at) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = at + ir * kc;
            if (trans && rows == MR) {
                // Each step's MR values are already adjacent in the source row p: one short block copy
                // per step, not a copy per element, which would make this the costliest packing.
                for (int p = 0, src = p0 * ld + i0 + ir, d = base; p < kc; p++, src += ld, d += MR) {
                    System.arraycopy(a, src, dst, d, MR);
                }
            } else if (trans) {
                for (int p = 0; p < kc; p++) {
                    copyPadded(a, (p0 + p) * ld + i0 + ir, dst, base + p * MR, rows, MR);
                }
            } else if (rows == MR) {
                // Eight sequential read streams and one sequential write stream: the row-by-row
                // order writes with a stride, which is much slower on wide rows.
                interleaveEight(a, (i0 + ir) * ld + p0, ld, kc, dst, base, MR);
            } else {
                for (int r = 0; r < MR; r++) {
                    int src = (i0 + ir + r) * ld + p0;
                    for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                        dst[d] = r < rows ? a[src + p] : 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs steps {@code [p0, p0+kc)} × columns {@code [j0, j0+nc)} of B into {@code ⌈nc/NR⌉}
     * consecutive micro-panels of {@code kc·NR} floats from {@code dst[at]} on, each step's NR
     * values adjacent.
     */
    static void packB(float[] b, boolean trans, int ld, int p0, int kc, int j0, int nc, float[] dst, int at) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = at + jr * kc;
            if (trans && cols == NR && NR % 8 == 0) {
                // Same trick as the untransposed A: eight source rows read side by side so each
                // step writes eight adjacent floats, instead of one float per 4·NR-byte stride.
                for (int j = 0; j < NR; j += 8) {
                    interleaveEight(b, (j0 + jr + j) * ld + p0, ld, kc, dst, base + j, NR);
                }
            } else if (trans) {
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
                    copyPadded(b, (p0 + p) * ld + j0 + jr, dst, base + p * NR, cols, NR);
                }
            }
        }
    }

    /**
     * Reads eight source rows ({@code from}, {@code from + ld}, …) side by side for {@code steps}
     * steps and writes each step's eight values adjacently, step after step {@code stride} apart:
     * eight sequential read streams and one sequential write stream.
     */
    private static void interleaveEight(float[] src, int from, int ld, int steps, float[] dst, int to, int stride) {
        int s0 = from;
        int s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld, s4 = s3 + ld, s5 = s4 + ld, s6 = s5 + ld, s7 = s6 + ld;
        for (int p = 0, d = to; p < steps; p++, d += stride) {
            dst[d] = src[s0 + p];
            dst[d + 1] = src[s1 + p];
            dst[d + 2] = src[s2 + p];
            dst[d + 3] = src[s3 + p];
            dst[d + 4] = src[s4 + p];
            dst[d + 5] = src[s5 + p];
            dst[d + 6] = src[s6 + p];
            dst[d + 7] = src[s7 + p];
        }
    }

    /** Copies {@code count} adjacent floats and zero-pads them to {@code width}: one step of an edge panel. */
    private static void copyPadded(float[] src, int from, float[] dst, int to, int count, int width) {
        System.arraycopy(src, from, dst, to, count);
        Arrays.fill(dst, to + count, to + width, 0f);
    }
}
