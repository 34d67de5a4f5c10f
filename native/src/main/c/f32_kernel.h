/*
 * The register-blocked micro-kernel of the AVX-512 float32 product (included by f32_gemm.c): an
 * MR x NR tile of C summed over one k block in zmm accumulators by FMAs, then finished the way
 * math's vector kernel finishes its tiles (avx512_tile.h). Every accumulator is one fused
 * multiply-add chain over k in increasing order from zero: the chain math's MicroKernel builds, so
 * the two kernels agree bit for bit.
 */
#ifndef SWITCHYARD_F32_KERNEL_H
#define SWITCHYARD_F32_KERNEL_H

#include <immintrin.h>

#include "avx512_tile.h"

#define KC 256                    /* values of k per block: math's BlockedProduct.KC */

/* acc = the sums over `steps` values of k of MR rows of A (row r, step p at ap[r*rowStride +
   p*stepStride]) times B micro-panel bp (NR floats a step), from zero. */
static inline __attribute__((always_inline)) void sumTile(const float *ap, size_t rowStride, size_t stepStride,
                                                          const float *bp, int steps, __m512 acc[MR][NV]) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            acc[r][v] = _mm512_setzero_ps();
        }
    }
    for (int p = 0; p < steps; p++, ap += stepStride, bp += NR) {
        __m512 b[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            b[v] = _mm512_load_ps(bp + 16 * v);
        }
#pragma GCC unroll 16
        for (int r = 0; r < MR; r++) {
            __m512 a = _mm512_set1_ps(ap[r * rowStride]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++) {
                acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);
            }
        }
    }
}

#endif
