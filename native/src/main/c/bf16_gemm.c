/*
 * Products with bfloat16 operands and float32 accumulation on AVX512-BF16 (VDPBF16PS): both
 * operands are rounded to bfloat16 while they are packed (bf16_pack.h), the micro-kernel sums
 * their exact products in float32 (bf16_kernel.h). Bias, ReLU and the accumulated C stay float32.
 * Only called after bf16_detect.c said yes; the Java side is Avx512Bf16Native/TiledProduct.
 *
 * The loop and its order of summation are tiled_gemm.h's: math's vector kernel's, so on the same
 * rounded operands the two agree bit for bit, but for one thing: VDPBF16PS treats bfloat16
 * denormals as zero and flushes denormal results of its additions to zero (it ignores MXCSR),
 * where Java keeps them.
 */
#include <stdint.h>
#include "bf16_kernel.h"
#include "bf16_pack.h"

#define STEP uint32_t
#define KSTEPS KP
#define STEPS(k) (((k) + 1) / 2)
#define JNI(f) Java_switchyard_kernels_Avx512Bf16Native_##f

#include "tiled_gemm.h"
