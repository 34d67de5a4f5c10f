/*
 * Whether this process may run the AVX-512 float32 kernel. Java calls
 * switchyard.kernels.Avx512Native.init() once and only touches the kernel (f32_gemm.c) when it
 * returned 0.
 */
#include <jni.h>
#include "avx512_detect.h"

/* 0: ready; 1: the CPU lacks AVX512 F, BW or VL; 3: the OS does not save zmm state. */
JNIEXPORT jint JNICALL Java_switchyard_kernels_Avx512Native_init(JNIEnv *env, jclass cls) {
    return avx512Status(0);
}
