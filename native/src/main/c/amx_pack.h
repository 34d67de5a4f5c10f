/*
 * Packing for the AMX kernel (included by amx_gemm.c, one translation unit, so that the packers
 * inline into the products): float32 operands split into bf16 hi and lo halves and laid out as
 * the tiles read them. The layout is described at the top of amx_gemm.c.
 */
#ifndef SWITCHYARD_AMX_PACK_H
#define SWITCHYARD_AMX_PACK_H

#include <immintrin.h>
#include <stdint.h>
#include "transpose16.h"

/* hi = bf16(v) rounded to nearest even, lo = bf16(v - hi); lo = 0 where v is not finite. */
static inline void split16(__m512 v, __m256i *hi, __m256i *lo) {
    __m256bh h = _mm512_cvtneps_pbh(v);
    __m512 back = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i) h), 16));
    __m512 rest = _mm512_sub_ps(v, back);
    rest = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(rest, rest, _CMP_ORD_Q), rest);
    *hi = (__m256i) h;
    *lo = (__m256i) _mm512_cvtneps_pbh(rest);
}

static inline __mmask16 firstLanes(int count) {
    return count >= 16 ? (__mmask16) 0xFFFF : count <= 0 ? 0 : (__mmask16) ((1u << count) - 1);
}

/*
 * Where a panel's k steps go follows the source, so that packing reads 32 sequential streams and
 * writes one: "panel-major" (panel p, step s at (p*ks + s)*STEP) when the source is contiguous
 * along k (A as is, B transposed), "step-major" ((s*panels + p)*STEP) when it is contiguous along
 * the panel's rows or columns (A transposed, B as is). Packing in one fixed order for all four
 * would stride through the source for some of them, far slower than a plain copy of the bytes.
 */
static inline size_t stepAt(int stepMajor, int panel, int s, int panels, int ks) {
    return (stepMajor ? (size_t) s * panels + panel : (size_t) panel * ks + s) * STEP;
}

/*
 * A source gives tile rows one of two ways. Where k runs along memory (A as is, B transposed), 32
 * adjacent values of k are one row of an A tile as they stand (splitRun). Where the panel's rows
 * or columns run along memory (A transposed, B as is), two source rows k and k+1 give 16 lanes of
 * pairs, one row of a B tile (splitPairs). The other tile layout is 16 such rows transposed.
 */

/* 32 values of k from src, the first count of them inside the matrix (0: none), split into their
   32 hi and 32 lo bfloat16 halves. */
static inline void splitRun(const float *src, int count, __m512i *hi, __m512i *lo) {
    __m256i h0, l0, h1, l1;
    split16(_mm512_maskz_loadu_ps(firstLanes(count), src), &h0, &l0);
    split16(_mm512_maskz_loadu_ps(firstLanes(count - 16), src + 16), &h1, &l1);
    *hi = _mm512_inserti64x4(_mm512_castsi256_si512(h0), h1, 1);
    *lo = _mm512_inserti64x4(_mm512_castsi256_si512(l0), l1, 1);
}

/* Values k0 and k0+1 (source rows ld apart from row k0 at src) of the 16 lanes in `lanes`, split
   and paired per lane: lane j holds k0's half in its low 16 bits, k0+1's in its high 16 bits. Rows
   at or past k are zeros (and not read). */
static inline void splitPairs(const float *src, size_t ld, int k0, int k, __mmask16 lanes, __m512i *hi, __m512i *lo) {
    __m512 even = k0 < k ? _mm512_maskz_loadu_ps(lanes, src) : _mm512_setzero_ps();
    __m512 odd = k0 + 1 < k ? _mm512_maskz_loadu_ps(lanes, src + ld) : _mm512_setzero_ps();
    __m256i h0, l0, h1, l1;
    split16(even, &h0, &l0);
    split16(odd, &h1, &l1);
    *hi = _mm512_or_si512(_mm512_cvtepu16_epi32(h0), _mm512_slli_epi32(_mm512_cvtepu16_epi32(h1), 16));
    *lo = _mm512_or_si512(_mm512_cvtepu16_epi32(l0), _mm512_slli_epi32(_mm512_cvtepu16_epi32(l1), 16));
}


/* Writes 16 transposed rows of 16 32-bit values (one tile of 16 rows x 32 bf16) 64 bytes apart. */
static inline void storeTransposed(__m512i r[16], uint16_t *tile) {
    transpose16(r);
    for (int i = 0; i < 16; i++) {
        _mm512_storeu_si512(tile + i * 32, r[i]);
    }
}

/* The A packers write panels [ip0, ip1) as if they were all of A: one row block's scratch. */

/* A[i][p] = a[i*lda + p]: each row's 32 values of a step are one tile row. */
static void packRowsA(const float *a, int lda, int m, int k, int ks, int ip0, int ip1, uint16_t *dst) {
    for (int ip = ip0; ip < ip1; ip++) {
        for (int s = 0; s < ks; s++) {
            uint16_t *step = dst + stepAt(0, ip - ip0, s, 0, ks);
            for (int r = 0; r < 32; r++) {
                int row = ip * 32 + r;
                uint16_t *hiRow = step + (r / 16) * TILE + (r % 16) * 32;
                __m512i hi, lo;
                splitRun(a + (size_t) (row < m ? row : 0) * lda + s * 32, row < m ? k - s * 32 : 0, &hi, &lo);
                _mm512_storeu_si512(hiRow, hi);
                _mm512_storeu_si512(hiRow + 2 * TILE, lo);
            }
        }
    }
}

/* A[i][p] = a[p*lda + i] (a transposed): pairs of 16 rows, transposed into the tile's rows. */
static void packColumnsA(const float *a, int lda, int m, int k, int ks, int ip0, int ip1, uint16_t *dst) {
    __m512i hi[16], lo[16];
    for (int s = 0; s < ks; s++) {
        for (int ip = ip0; ip < ip1; ip++) {
            uint16_t *step = dst + stepAt(1, ip - ip0, s, ip1 - ip0, ks);
            for (int half = 0; half < 2; half++) {
                int i0 = ip * 32 + half * 16;
                for (int q = 0; q < 16; q++) {
                    int k0 = s * 32 + 2 * q;
                    splitPairs(a + (size_t) k0 * lda + i0, lda, k0, k, firstLanes(m - i0), &hi[q], &lo[q]);
                }
                storeTransposed(hi, step + half * TILE);
                storeTransposed(lo, step + (2 + half) * TILE);
            }
        }
    }
}

/* B[p][j] = b[p*ldb + j]: the pairs of 16 columns are one tile row. */
static void packRowsB(const float *b, int ldb, int k, int n, int ks, int jp0, int jp1, uint16_t *dst) {
    int panels = (n + 31) / 32;
    for (int s = 0; s < ks; s++) {
        for (int jp = jp0; jp < jp1; jp++) {
            uint16_t *step = dst + stepAt(1, jp, s, panels, ks);
            for (int q = 0; q < 16; q++) {
                int k0 = s * 32 + 2 * q;
                for (int half = 0; half < 2; half++) {
                    int j0 = jp * 32 + half * 16;
                    __m512i hi, lo;
                    splitPairs(b + (size_t) k0 * ldb + j0, ldb, k0, k, firstLanes(n - j0), &hi, &lo);
                    _mm512_storeu_si512(step + half * TILE + q * 32, hi);
                    _mm512_storeu_si512(step + (2 + half) * TILE + q * 32, lo);
                }
            }
        }
    }
}

/* B[p][j] = b[j*ldb + p] (b transposed): 16 columns' runs of k (already in the pairs the layout
   wants), transposed into the tile's rows. */
static void packColumnsB(const float *b, int ldb, int k, int n, int ks, int jp0, int jp1, uint16_t *dst) {
    __m512i hi[16], lo[16];
    for (int jp = jp0; jp < jp1; jp++) {
        for (int s = 0; s < ks; s++) {
            int k0 = s * 32;
            uint16_t *step = dst + stepAt(0, jp, s, 0, ks);
            for (int half = 0; half < 2; half++) {
                for (int col = 0; col < 16; col++) {
                    int j = jp * 32 + half * 16 + col;
                    splitRun(b + (size_t) (j < n ? j : 0) * ldb + k0, j < n ? k - k0 : 0, &hi[col], &lo[col]);
                }
                storeTransposed(hi, step + half * TILE);
                storeTransposed(lo, step + (2 + half) * TILE);
            }
        }
    }
}

#endif
