/*
 * The register-blocked micro-kernel of the AVX512-BF16 product (included by bf16_gemm.c): an
 * MR x NR tile of C summed over one k block in zmm accumulators by VDPBF16PS, then finished in
 * float32 the way math's vector kernel finishes its tiles.
 *
 * VDPBF16PS adds, per 32-bit lane, the product of the lane's high bf16 halves and then that of its
 * low halves, rounding after each add (as Intel documents it, and as Zen 4 does). The packers put
 * k = 2q in the high half and k = 2q+1 in the low half (bf16_pack.h), so every accumulator is one
 * float32 chain over k in increasing order, each step adding an exact product: the chain math's
 * vector kernel builds with FMAs over the same rounded operands.
 */
#ifndef SWITCHYARD_BF16_KERNEL_H
#define SWITCHYARD_BF16_KERNEL_H

#include <immintrin.h>
#include <stdint.h>

/* 6 x 64: 24 accumulators, 4 B vectors and the broadcast A pair in the 32 zmm registers, enough
   independent chains to cover VDPBF16PS's latency. On Zen 4 it beat 8 x 48 and 12 x 32 (fewer
   loads per instruction), and 64 divides the layer's widths where 48 does not. */
#define MR 6                      /* rows of C per tile */
#define NV 4                      /* zmm vectors of 16 columns per tile row */
#define NR (16 * NV)              /* columns of C per tile */
#define KP 128                    /* k pairs per block: 256 values of k, math's BlockedProduct.KC */

static inline __mmask16 firstLanes(int count) {
    return count >= 16 ? (__mmask16) 0xFFFF : count <= 0 ? 0 : (__mmask16) ((1u << count) - 1);
}

/* acc = the sums over `pairs` pairs of k of MR rows of A (row r, pair q at ap[r*rowStride +
   q*pairStride]) times B micro-panel bp (NR words a pair), from zero. */
static inline __attribute__((always_inline)) void sumTile(const uint32_t *ap, size_t rowStride, size_t pairStride,
                                                          const uint32_t *bp, int pairs, __m512 acc[MR][NV]) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            acc[r][v] = _mm512_setzero_ps();
        }
    }
    for (int q = 0; q < pairs; q++, ap += pairStride, bp += NR) {
        __m512i b[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            b[v] = _mm512_load_si512(bp + 16 * v);
        }
#pragma GCC unroll 16
        for (int r = 0; r < MR; r++) {
            __m512i a = _mm512_set1_epi32((int) ap[r * rowStride]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++) {
                acc[r][v] = _mm512_dpbf16_ps(acc[r][v], (__m512bh) a, (__m512bh) b[v]);
            }
        }
    }
}

/* Java's Math.max(x, 0f) per lane: x where x > 0 or x is NaN, else +0 (so -0 becomes +0). */
static inline __m512 relu(__m512 x) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NLE_UQ), x);
}

/*
 * Writes rows x cols of the tile (the rest of the tile is padding) to c (rows ld apart) as
 * start + sum, then + bias and ReLU when `last`: the order and the float32 additions of math's
 * MicroKernel epilogue (its start is zeros when not loading and its bias zeros when there is none,
 * and adding +0 turns a sum of -0 into +0; both are kept here).
 */
static inline __attribute__((always_inline)) void finishTile(__m512 acc[MR][NV], float *c, long ld, int rows, int cols,
                                                             int load, int last, const float *bias, int applyRelu) {
    __mmask16 lanes[NV];
    __m512 add[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
        lanes[v] = firstLanes(cols - 16 * v);
        add[v] = last && bias != NULL ? _mm512_maskz_loadu_ps(lanes[v], bias + 16 * v) : _mm512_setzero_ps();
    }
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
        if (r >= rows) {
            break;
        }
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            float *at = c + r * ld + 16 * v;
            __m512 start = load ? _mm512_maskz_loadu_ps(lanes[v], at) : _mm512_setzero_ps();
            __m512 x = _mm512_add_ps(acc[r][v], start);
            if (last) {
                x = _mm512_add_ps(x, add[v]);
                if (applyRelu) {
                    x = relu(x);
                }
            }
            _mm512_mask_storeu_ps(at, lanes[v], x);
        }
    }
}

#endif
