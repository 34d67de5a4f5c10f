package switchyard.math.linalg;

/**
 * A matrix kernel that lives outside math and is found at run time: the seam through which the
 * native module (switchyard-native: C through JNI) offers its AMX kernel without math depending on
 * it. A module lists its providers in
 * {@code META-INF/services/switchyard.math.linalg.KernelProvider}; {@link MatMuls} loads them once
 * with {@link java.util.ServiceLoader} and offers each under its {@link #name}. With no provider on
 * the class path, everything runs on math's own Java kernels, and {@link MatMuls} says why.
 *
 * <p>A provider is instantiated on every machine, so constructing one must not load native code;
 * whether the kernel can run here is asked through {@link #unavailableReason}.
 */
public interface KernelProvider {

    /** The name {@link MatMuls#byName} knows the kernel by, lower case: {@code "amx"} for {@code amx} and {@code amx:N}, likewise {@code "avx512"}. */
    String name();

    /**
     * Null when the kernel can run in this process; otherwise why not, in words for a log line (the
     * CPU, the build's C compiler, the operating system's permission).
     */
    String unavailableReason();

    /**
     * The kernel, sharing large products over {@code threads} threads like
     * {@link VectorMatMul#withThreads}. {@link MatMuls} calls it only when
     * {@link #unavailableReason} is null and the JVM has the Vector API module.
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     */
    MatMul withThreads(int threads);
}
