/*
 * What the AVX-512 micro-kernels share (included by bf16_kernel.h and f32_kernel.h): the tile
 * shape, the strides of the packed layouts and the float32 finish of a tile, which follows math's MicroKernel epilogue so that every
 * native kernel ends its sums exactly as the vector kernel does.
 */
#ifndef SWITCHYARD_AVX512_TILE_H
#define SWITCHYARD_AVX512_TILE_H

#include <immintrin.h>
#include <stddef.h>

/* 6 x 64: 24 accumulators, 4 B vectors and the broadcast A operand in the 32 zmm registers, enough
   independent chains to cover the multiply-add's latency. On Zen 4 it beat 8 x 48 and 12 x 32 (fewer
   loads per instruction) in both precisions, and 64 divides the layer's widths where 48 does not. */
#define MR 6                      /* rows of C per tile */
#define NV 4                      /* zmm vectors of 16 columns per tile row */
#define NR (16 * NV)              /* columns of C per tile */

/* The strides of both kernels' packed layouts, in 32-bit steps of k (a float32 value, or a pair of
   bfloat16 values); TiledLayout says the same on the Java side. Between two rows of packed A: the
   steps rounded up to whole cache lines, plus one line, so that the MR rows the kernel reads side
   by side do not all fall into the same L1 set (rows a multiple of 4 KiB apart would). */
static inline size_t rowStride(int steps) {
    return (size_t) (steps + 15) / 16 * 16 + 16;
}

/* From one panel of packed B (or of packed A transposed) to the next: one cache line more than the
   panel, so that the packers' writes to many panels at once, each a sequential stream, fall into
   different cache sets; panels a multiple of 4 KiB apart would all compete for one. */
static inline size_t panelStrideB(int steps) {
    return (size_t) steps * NR + 16;
}

static inline size_t panelStrideA(int steps) {
    return (size_t) steps * MR + 16;
}

static inline __mmask16 firstLanes(int count) {
    return count >= 16 ? (__mmask16) 0xFFFF : count <= 0 ? 0 : (__mmask16) ((1u << count) - 1);
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
