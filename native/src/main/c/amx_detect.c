/*
 * Whether this process may run the AMX kernels: built without any special instruction set, so it
 * is safe to call on every x86-64 CPU. Java calls switchyard.kernels.AmxNative.init() once and
 * only touches the kernels (amx_gemm.c) when it returned 0.
 */
#include <jni.h>
#include <cpuid.h>
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

/* 0: ready; 1: the CPU lacks AMX-TILE, AMX-BF16 or AVX512-BF16; 2: the kernel refused tile data (errno in the high bits). */
JNIEXPORT jint JNICALL Java_switchyard_kernels_AmxNative_init(JNIEnv *env, jclass cls) {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        return 1;
    }
    int amxBf16 = (d >> 22) & 1, amxTile = (d >> 24) & 1, avx512f = (b >> 16) & 1;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) {
        return 1;
    }
    int avx512Bf16 = (a >> 5) & 1;
    if (!(amxBf16 && amxTile && avx512f && avx512Bf16)) {
        return 1;
    }
    /* Linux grants the 8 KiB tile state per process on request (since 5.16). */
    if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0) {
        return 2 | (errno << 8);
    }
    return 0;
}
