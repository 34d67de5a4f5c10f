/*
 * Packing for the AVX512-BF16 product (included by bf16_gemm.c, one translation unit, so that the
 * packers inline): float32 operands rounded to bfloat16 (round to nearest even by VCVTNE2PS2BF16,
 * NaN stays NaN) and laid out as the micro-kernel (bf16_kernel.h) reads them.
 *
 * PAIR ORDER. Both operands are stored as 32-bit pairs of bfloat16 along k: pair q holds k = 2q in
 * its high half and k = 2q+1 in its low half. VDPBF16PS adds the high halves' product before the
 * low halves', so this order makes it add k in increasing order. Past the end of k (odd k), A's
 * half is +0 and B's is -0: their product is -0, and x + (-0) is x for every x, -0 included, so
 * the padding changes no bit of any sum.
 *
 * Layouts, in 32-bit pairs, kp = ceil(k/2) pairs:
 *   A as it is stored: a part's rows one after the other, rowStride(kp) apart, each row's pairs
 *      in order. A plain conversion of each row, which streams through memory.
 *   A transposed: panels of MR rows; panel ip, pair q at ip*panelStrideA(kp) + q*MR, its MR rows side by
 *      side. Its source rows are the pairs' rows of all of A, read whole: packed once for all
 *      parts. (Laid out like the rows above, it would be a transpose of strips of each source
 *      row, which the hardware fetches slowly.)
 *   The kernel reads either: it broadcasts pair q of MR rows from any row and pair stride. The
 *   rows that round the last tile of MR rows up hold whatever was there (zeros for A
 *   transposed): their sums are never stored.
 *   B: panels of NR columns; panel jp, pair q at jp*panelStrideB(kp) + q*NR, its NR columns side by side (the
 *      kernel loads them as NV vectors). Columns past the matrix are zeros.
 * A k block of a panel (KP pairs) is thus one contiguous run, as the kernel streams it.
 */
#ifndef SWITCHYARD_BF16_PACK_H
#define SWITCHYARD_BF16_PACK_H

#include <immintrin.h>
#include <stdint.h>
#include "transpose16.h"

/* Lane j of two vectors of values, k = 2q (`even`) and 2q+1 (`odd`), as one pair. */
static inline __m512i pairLanes(__m512 even, __m512 odd) {
    /* bf16 element e of `both`: odd[e] for e < 16, even[e - 16] above; pair j wants odd[j] low and
       even[j] high, i.e. elements j and 16 + j. */
    static const uint16_t interleave[32] __attribute__((aligned(64))) = {
        0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
        8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
    __m512i both = (__m512i) _mm512_cvtne2ps_pbh(even, odd);
    return _mm512_permutexvar_epi16(_mm512_load_si512(interleave), both);
}

/* 32 consecutive values of k from an even k0 on (the first `count` of them inside the matrix, the
   rest `fill`) as 16 pairs, pair q in lane q. */
static inline __m512i pairRun(const float *src, int count, __m512 fill) {
    __m512 first = _mm512_mask_loadu_ps(fill, firstLanes(count), src);
    __m512 next = _mm512_mask_loadu_ps(fill, firstLanes(count - 16), src + 16);
    /* Lane q: k0+2q in the low half, k0+2q+1 in the high one; the rotation swaps them. */
    return _mm512_rol_epi32((__m512i) _mm512_cvtne2ps_pbh(next, first), 16);
}


/* A[i][p] = a[i*lda + p], rows [i0, i1) of it (one part's), row r - i0 at (r - i0) * rowStride(kp):
   each row's run of k is its run of pairs. */
static void packRowsA(const float *a, int lda, int k, int kp, int i0, int i1, uint32_t *dst) {
    size_t words = rowStride(kp);
    for (int row = i0; row < i1; row++) {
        const float *src = a + (size_t) row * lda;
        uint32_t *to = dst + (row - i0) * words;
        for (int k0 = 0; k0 < k; k0 += 32) {
            _mm512_store_si512(to + k0 / 2, pairRun(src + k0, k - k0, _mm512_setzero_ps()));
        }
    }
}

/* One pair of 48 consecutive rows (x0: rows 0-15, x1: 16-31, x2: 32-47) written into the first
   `panels` (at most 8) of the panels of 6 rows at dst, dst + step, ... */
static inline void spreadRows(__m512i x0, __m512i x1, __m512i x2, uint32_t *dst, size_t step, int panels) {
    __m512i six[8] = {x0, _mm512_alignr_epi32(x1, x0, 6), _mm512_alignr_epi32(x1, x0, 12),
                      _mm512_alignr_epi32(x2, x1, 2), _mm512_alignr_epi32(x2, x1, 8), _mm512_alignr_epi32(x2, x1, 14),
                      _mm512_alignr_epi32(x2, x2, 4), _mm512_alignr_epi32(x2, x2, 10)};
    for (int p = 0; p < panels && p < 8; p++) {
        _mm512_mask_storeu_epi32(dst + p * step, (__mmask16) 0x3F, six[p]);
    }
}

/* A[i][p] = a[p*lda + i] (a transposed), all m rows, pairs [q0, q1): source rows 2q and 2q+1 are
   pair q of every row, so they are read whole, front to back, and spread over the panels of MR
   rows. */
static void packColumnsA(const float *a, int lda, int k, int m, int kp, int q0, int q1, uint32_t *dst) {
    int panels = (m + MR - 1) / MR;
    for (int q = q0; q < q1; q++) {
        const float *even = a + (size_t) 2 * q * lda;
        const float *odd = even + lda;
        for (int g = 0; g < panels; g += 8) {
            __m512i x[3];
            for (int h = 0; h < 3; h++) {
                int i = g * MR + 16 * h;
                __mmask16 lanes = firstLanes(m - i);
                __m512 o = 2 * q + 1 < k ? _mm512_maskz_loadu_ps(lanes, odd + i) : _mm512_setzero_ps();
                x[h] = pairLanes(_mm512_maskz_loadu_ps(lanes, even + i), o);
            }
            spreadRows(x[0], x[1], x[2], dst + g * panelStrideA(kp) + (size_t) q * MR, panelStrideA(kp), panels - g);
        }
    }
}

/* B[p][j] = b[p*ldb + j], pairs [q0, q1) of all panels: rows 2q and 2q+1 of 16 columns are one
   vector of pairs, and the source rows are read whole, front to back. */
static void packRowsB(const float *b, int ldb, int k, int n, int kp, int q0, int q1, uint32_t *dst) {
    const __m512 minusZero = _mm512_set1_ps(-0.0f);
    int panels = (n + NR - 1) / NR;
    for (int q = q0; q < q1; q++) {
        const float *even = b + (size_t) 2 * q * ldb;
        const float *odd = even + ldb;
        for (int jp = 0; jp < panels; jp++) {
            uint32_t *to = dst + jp * panelStrideB(kp) + (size_t) q * NR;
            for (int v = 0; v < NV; v++) {
                int j = jp * NR + 16 * v;
                __mmask16 lanes = firstLanes(n - j);
                __m512 e = _mm512_maskz_loadu_ps(lanes, even + j);
                __m512 o = 2 * q + 1 < k ? _mm512_maskz_loadu_ps(lanes, odd + j) : minusZero;
                _mm512_store_si512(to + 16 * v, pairLanes(e, o));
            }
        }
    }
}

/* B[p][j] = b[j*ldb + p] (b transposed), panels [jp0, jp1): 16 columns' runs of k, transposed so
   that each pair's columns lie together. */
static void packColumnsB(const float *b, int ldb, int k, int n, int kp, int jp0, int jp1, uint32_t *dst) {
    const __m512 minusZero = _mm512_set1_ps(-0.0f);
    __m512i x[16];
    for (int jp = jp0; jp < jp1; jp++) {
        for (int v = 0; v < NV; v++) {
            for (int k0 = 0; k0 < k; k0 += 32) {
                for (int col = 0; col < 16; col++) {
                    int j = jp * NR + 16 * v + col;
                    x[col] = j < n ? pairRun(b + (size_t) j * ldb + k0, k - k0, minusZero) : _mm512_setzero_si512();
                }
                transpose16(x);
                int pairs = kp - k0 / 2 < 16 ? kp - k0 / 2 : 16;
                for (int q = 0; q < pairs; q++) {
                    _mm512_store_si512(dst + jp * panelStrideB(kp) + (size_t) (k0 / 2 + q) * NR + 16 * v, x[q]);
                }
            }
        }
    }
}

#endif
