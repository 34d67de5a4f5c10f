/*
 * Whether this process may run the AVX512-BF16 kernels: built without any special instruction
 * set, so it is safe to call on every x86-64 CPU. Java calls
 * switchyard.kernels.Avx512Bf16Native.init() once and only touches the kernels (bf16_gemm.c,
 * bf16_ceiling.c) when it returned 0.
 */
#include <jni.h>
#include <cpuid.h>

/* XCR0 bits the OS must set to save zmm state on context switches: SSE, AVX, opmask, ZMM0-15
   upper halves, ZMM16-31. */
#define ZMM_STATE 0xE6u

/* 0: ready; 1: the CPU lacks AVX512 F, BW or VL; 2: it lacks AVX512-BF16; 3: the OS does not save zmm state. */
JNIEXPORT jint JNICALL Java_switchyard_kernels_Avx512Bf16Native_init(JNIEnv *env, jclass cls) {
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
    if (subleaves < 1 || !__get_cpuid_count(7, 1, &a, &b, &c, &d) || !((a >> 5) & 1)) {
        return 2;
    }
    return osSavesZmm ? 0 : 3;
}
