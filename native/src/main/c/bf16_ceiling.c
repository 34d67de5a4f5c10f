/*
 * The speed of VDPBF16PS alone right now: 24 independent accumulator chains (as many as the
 * product's micro-kernel keeps) fed from registers that never change, so no memory traffic at
 * all. No product can beat it, and on a shared host it moves with the neighbours, so a bench
 * measures it in the same run as the figures it is held against (like amx_ceiling.c).
 */
#include <jni.h>
#include <immintrin.h>

#define CHAINS 24

/*
 * Runs `rounds` rounds of one VDPBF16PS per chain with every operand 1.0 (bfloat16 0x3F80): each
 * adds 1·1 + 1·1 = 2 to every lane. Returns the sum of lane 0 over all chains, 48 per round,
 * exactly while that stays below 2^24, so the caller can tell that every instruction ran.
 */
JNIEXPORT jfloat JNICALL Java_switchyard_kernels_Avx512Bf16Native_dotLoop(JNIEnv *env, jclass cls, jint rounds) {
    /* From memory through a volatile, so the compiler cannot fold the chains into a constant. */
    static volatile int one = 0x3F803F80;
    __m512bh a = (__m512bh) _mm512_set1_epi32(one), b = (__m512bh) _mm512_set1_epi32(one);
    __m512 c[CHAINS];
#pragma GCC unroll 24
    for (int i = 0; i < CHAINS; i++) {
        c[i] = _mm512_setzero_ps();
    }
    for (int r = 0; r < rounds; r++) {
#pragma GCC unroll 24
        for (int i = 0; i < CHAINS; i++) {
            c[i] = _mm512_dpbf16_ps(c[i], a, b);
            /* Empty, but opaque to the compiler: the identical chains stay separate, and run. */
            __asm__("" : "+v"(c[i]));
        }
    }
    float sum = 0;
#pragma GCC unroll 24
    for (int i = 0; i < CHAINS; i++) {
        sum += _mm512_cvtss_f32(c[i]);
    }
    return sum;
}
