/**
 * Matrix kernels in native code, reached through JNI, with their C in src/main/c, which Maven
 * compiles into this module's jar: the AMX (bf16x3) kernel and its tile-ceiling loop, the
 * AVX512-BF16 kernel (bfloat16 operands, float32 accumulation) and its VDPBF16PS ceiling loop, and
 * the AVX-512 float32 kernel (math's vector kernel's bits, closer to the FMA ceiling), each in a
 * library of its own; the two AVX-512 kernels share their loop ({@link switchyard.kernels.TiledProduct}).
 * Math never names these classes: it finds the kernels at run time through its
 * {@code KernelProvider} seam ({@link switchyard.kernels.AmxKernelProvider},
 * {@link switchyard.kernels.Avx512KernelProvider}, {@link switchyard.kernels.Avx512Bf16KernelProvider}),
 * and without this module everything runs on math's Java kernels. (The package is not called {@code native}: Java reserves that word.)
 */
package switchyard.kernels;
