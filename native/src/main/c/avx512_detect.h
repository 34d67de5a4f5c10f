/*
 * Whether the CPU and the OS let this process run AVX-512 code: shared by the detection of both
 * AVX-512 kernels (bf16_detect.c, f32_detect.c), which are built without any special instruction
 * set, so they are safe to call on every x86-64 CPU.
 */
#ifndef SWITCHYARD_AVX512_DETECT_H
#define SWITCHYARD_AVX512_DETECT_H

#include <cpuid.h>

/* XCR0 bits the OS must set to save zmm state on context switches: SSE, AVX, opmask, ZMM0-15
   upper halves, ZMM16-31. */
#define ZMM_STATE 0xE6u

/* 0: ready; 1: the CPU lacks AVX512 F, BW or VL; 2: `bf16` was asked and it lacks AVX512-BF16;
   3: the OS does not save zmm state. */
static int avx512Status(int bf16) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) { /* OSXSAVE: XGETBV is usable */
        return 3;
    }
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    int osSavesZmm = (lo & ZMM_STATE) == ZMM_STATE;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        return 1;
    }
    unsigned subleaves = a;
    int avx512 = ((b >> 16) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1); /* F, BW, VL */
    if (!avx512) {
        return 1;
    }
    if (bf16 && (subleaves < 1 || !__get_cpuid_count(7, 1, &a, &b, &c, &d) || !((a >> 5) & 1))) {
        return 2;
    }
    return osSavesZmm ? 0 : 3;
}

#endif
