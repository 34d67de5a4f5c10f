/**
 * Matrix kernels in native code, reached through JNI: the AMX (bf16x3) kernel and its tile-ceiling
 * loop, with their C in src/main/c, which Maven compiles into this module's jar. Math never names
 * these classes: it finds the kernel at run time through its {@code KernelProvider} seam
 * ({@link switchyard.kernels.AmxKernelProvider}), and without this module everything runs on
 * math's Java kernels. (The package is not called {@code native}: Java reserves that word.)
 */
package switchyard.kernels;
