/*
 * Whether this process may run the AVX512-BF16 kernels. Java calls
 * switchyard.kernels.Avx512Bf16Native.init() once and only touches the kernels (bf16_gemm.c,
 * bf16_ceiling.c) when it returned 0.
 */
#include <jni.h>
#include "avx512_detect.h"

/* 0: ready; 1: the CPU lacks AVX512 F, BW or VL; 2: it lacks AVX512-BF16; 3: the OS does not save zmm state. */
JNIEXPORT jint JNICALL Java_switchyard_kernels_Avx512Bf16Native_init(JNIEnv *env, jclass cls) {
    return avx512Status(1);
}
