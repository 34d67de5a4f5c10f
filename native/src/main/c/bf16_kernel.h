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

#include "avx512_tile.h"

#define KP 128                    /* k pairs per block: 256 values of k, math's BlockedProduct.KC */

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

#endif
