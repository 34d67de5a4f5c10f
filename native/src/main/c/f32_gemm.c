/*
 * float32 products on AVX-512 (FMA): the operands packed as they are (f32_pack.h), the
 * micro-kernel's fused multiply-add chains (f32_kernel.h), bias and ReLU at the end, in the loop
 * and order of summation of tiled_gemm.h. That order, each chain and each epilogue addition are
 * math's vector kernel's, and x86 FMA rounds as Java's Math.fma does (the JVM runs with denormals
 * kept, as this code does), so the two kernels give the same bits on every input. Only called
 * after f32_detect.c said yes; the Java side is Avx512Native/TiledProduct.
 */
#include "f32_kernel.h"
#include "f32_pack.h"

#define STEP float
#define KSTEPS KC
#define STEPS(k) (k)
#define JNI(f) Java_switchyard_kernels_Avx512Native_##f

#include "tiled_gemm.h"
