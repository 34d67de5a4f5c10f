/*
 * Packing for the AVX-512 float32 product (included by f32_gemm.c, one translation unit, so that
 * the packers inline): the operands laid out as the micro-kernel (f32_kernel.h) reads them, one
 * float per step of k. The layouts are bf16_pack.h's with a float in place of a pair:
 *   A as it is stored: a part's rows one after the other, rowStride(k) apart.
 *   A transposed: panels of MR rows; panel ip, step p at ip*panelStrideA(k) + p*MR, its MR rows
 *      side by side, packed once for all parts from whole source rows.
 *   B: panels of NR columns; panel jp, step p at jp*panelStrideB(k) + p*NR. Columns past the
 *      matrix are zeros.
 * The strides are avx512_tile.h's, in floats.
 */
#ifndef SWITCHYARD_F32_PACK_H
#define SWITCHYARD_F32_PACK_H

#include <immintrin.h>
#include "transpose16.h"

/* A[i][p] = a[i*lda + p], rows [i0, i1) of it (one part's), row r - i0 at (r - i0) * rowStride(k). */
static void packRowsA(const float *a, int lda, int k, int steps, int i0, int i1, float *dst) {
    size_t stride = rowStride(steps);
    for (int row = i0; row < i1; row++) {
        const float *src = a + (size_t) row * lda;
        float *to = dst + (row - i0) * stride;
        for (int k0 = 0; k0 < k; k0 += 16) {
            _mm512_store_ps(to + k0, _mm512_maskz_loadu_ps(firstLanes(k - k0), src + k0));
        }
    }
}

/* A[i][p] = a[p*lda + i] (a transposed), all m rows, steps [p0, p1): source row p is step p of
   every row, read whole and cut into the panels of MR rows (rows past m are zeros). */
static void packColumnsA(const float *a, int lda, int k, int m, int steps, int p0, int p1, float *dst) {
    int panels = (m + MR - 1) / MR;
    for (int p = p0; p < p1; p++) {
        const float *src = a + (size_t) p * lda;
        for (int ip = 0; ip < panels; ip++) {
            __m512 x = _mm512_maskz_loadu_ps(firstLanes(m - ip * MR) & firstLanes(MR), src + ip * MR);
            _mm512_mask_storeu_ps(dst + ip * panelStrideA(steps) + (size_t) p * MR, firstLanes(MR), x);
        }
    }
}

/* B[p][j] = b[p*ldb + j], steps [p0, p1) of all panels: source rows read whole, front to back. */
static void packRowsB(const float *b, int ldb, int k, int n, int steps, int p0, int p1, float *dst) {
    int panels = (n + NR - 1) / NR;
    for (int p = p0; p < p1; p++) {
        const float *src = b + (size_t) p * ldb;
        for (int jp = 0; jp < panels; jp++) {
            float *to = dst + jp * panelStrideB(steps) + (size_t) p * NR;
            for (int v = 0; v < NV; v++) {
                int j = jp * NR + 16 * v;
                _mm512_store_ps(to + 16 * v, _mm512_maskz_loadu_ps(firstLanes(n - j), src + j));
            }
        }
    }
}

/* B[p][j] = b[j*ldb + p] (b transposed), panels [jp0, jp1): 16 columns' runs of 16 values of k,
   transposed so that each step's columns lie together. */
static void packColumnsB(const float *b, int ldb, int k, int n, int steps, int jp0, int jp1, float *dst) {
    __m512i x[16];
    for (int jp = jp0; jp < jp1; jp++) {
        for (int v = 0; v < NV; v++) {
            for (int k0 = 0; k0 < k; k0 += 16) {
                for (int col = 0; col < 16; col++) {
                    int j = jp * NR + 16 * v + col;
                    x[col] = j < n ? _mm512_castps_si512(_mm512_maskz_loadu_ps(firstLanes(k - k0), b + (size_t) j * ldb + k0))
                                   : _mm512_setzero_si512();
                }
                transpose16(x);
                int count = k - k0 < 16 ? k - k0 : 16;
                for (int q = 0; q < count; q++) {
                    _mm512_store_si512(dst + jp * panelStrideB(steps) + (size_t) (k0 + q) * NR + 16 * v, x[q]);
                }
            }
        }
    }
}

#endif
