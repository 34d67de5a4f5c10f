package switchyard.math.linalg;

/**
 * Picks a {@link MatMul}. The AMX and AVX-512 kernels live in the native module and are found at
 * run time through {@link KernelProvider}: each needs that module on the class path, a CPU with
 * AMX-BF16 (or AVX-512) and the native library the module's build compiles; the AMX kernel also
 * runs small products on the vector kernel. The vector kernel needs the incubating {@code jdk.incubator.vector}
 * module, which is only resolved when the JVM runs with {@code --add-modules jdk.incubator.vector};
 * without it, touching {@link VectorMatMul} would throw {@link NoClassDefFoundError}, so it is only
 * reached through {@link VectorKernels} once the module is known to be present.
 */
public final class MatMuls {

    /** Names {@link #byName} accepts, for messages and command-line help. */
    public static final String ACCEPTED_NAMES =
            "ejml, vector, vector:N (N threads), avx512, avx512:N, amx, amx:N, best, metered:<any of these>";

    /** The names the native module's float32 kernels are provided under (see {@link KernelProvider}). */
    private static final String AMX = "amx";
    private static final String AVX512 = "avx512";
    /** The native float32 kernels, fastest first: the order {@link #best} tries them in. */
    public static final java.util.List<String> NATIVE_FLOAT32 = java.util.List.of(AMX, AVX512);

    private MatMuls() {
    }

    /** True when this JVM resolved the Vector API module, so {@link VectorMatMul} can load. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * The fastest kernel that can run here, on every available processor: AMX, else the native
     * AVX-512 float32 kernel (the vector kernel's bits, faster), else the vector kernel, else EJML.
     */
    public static MatMul best() {
        int cores = Runtime.getRuntime().availableProcessors();
        for (String provided : NATIVE_FLOAT32) {
            if (providedUnavailableReason(provided) == null) {
                return ProvidedKernels.withThreads(provided, cores);
            }
        }
        if (vectorApiAvailable()) {
            return VectorKernels.withThreads(cores);
        }
        return ejml();
    }

    /**
     * {@code kernel}'s name for a run's header, with why the AMX kernel is not in use when it is not
     * (a user who expects it learns what is missing: the native module, the CPU, the build's C
     * compiler, the kernel's permission).
     */
    public static String describe(MatMul kernel) {
        String amx = amxUnavailableReason();
        if (amx == null) {
            return kernel.name();
        }
        String avx512 = ProvidedKernels.unavailableReason(AVX512);
        return kernel.name() + " (no AMX: " + amx + (avx512 == null ? "" : "; no AVX-512 kernel: " + avx512) + ")";
    }

    /**
     * Null when the AMX kernel can run here; otherwise why not, in words for a log line (among
     * others: {@code "the native kernel module (switchyard-native) is not on the class path"}).
     */
    public static String amxUnavailableReason() {
        return ProvidedKernels.unavailableReason(AMX);
    }

    /**
     * Null when the kernel a native module provides under {@code name} (see {@link KernelProvider})
     * can run here; otherwise why not, in words for a log line.
     */
    public static String providedUnavailableReason(String name) {
        if (!vectorApiAvailable()) {
            return "the JVM runs without --add-modules jdk.incubator.vector, which native kernels use for small products";
        }
        return ProvidedKernels.unavailableReason(name);
    }

    /**
     * The kernel a native module provides under {@code name}, on {@code threads} threads: for kernels
     * that are not float32 (the bfloat16 ones), which {@link #byName} does not offer since a run
     * asks for them through its precision.
     *
     * @throws IllegalStateException when it cannot run here, with the reason
     */
    public static MatMul provided(String name, int threads) {
        String why = providedUnavailableReason(name);
        if (why != null) {
            throw new IllegalStateException("the kernel '" + name + "' cannot run here: " + why);
        }
        return ProvidedKernels.withThreads(name, threads);
    }

    public static MatMul ejml() {
        return new EjmlMatMul();
    }

    /**
     * {@code "ejml"}, {@code "vector"} (single-threaded), {@code "vector:N"} (N threads),
     * {@code "avx512"} / {@code "avx512:N"} and {@code "amx"} / {@code "amx:N"} likewise, or {@code "best"}, optionally prefixed with {@code "metered:"} to count products and their time
     * in {@link MatMulMeter#shared()}; case-insensitive.
     *
     * @throws IllegalArgumentException for any other name, for "vector", "avx512" or "amx" when the
     *     module is absent, or for "avx512" or "amx" where that kernel cannot run, the native
     *     module's absence included (the message says why)
     */
    public static MatMul byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (key.equals("ejml")) {
            return ejml();
        }
        if (key.equals("best")) {
            return best();
        }
        if (key.startsWith("metered:")) {
            return new MeteredMatMul(byName(key.substring("metered:".length())), MatMulMeter.shared());
        }
        for (String family : new String[] {"vector", AVX512, AMX}) {
            if (key.equals(family) || key.startsWith(family + ":")) {
                int threads = key.equals(family) ? 1 : threadCount(name, family, key.substring(family.length() + 1));
                if (!vectorApiAvailable()) {
                    throw new IllegalArgumentException("matmul '" + name
                            + "' needs the JVM flag --add-modules jdk.incubator.vector");
                }
                if (family.equals("vector")) {
                    return VectorKernels.withThreads(threads);
                }
                String why = ProvidedKernels.unavailableReason(family);
                if (why != null) {
                    throw new IllegalArgumentException("matmul '" + name + "' cannot run here: "
                            + why + "; accepted: " + ACCEPTED_NAMES);
                }
                // The AMX kernel runs its small products on the vector kernel, hence the module check above.
                return ProvidedKernels.withThreads(family, threads);
            }
        }
        throw new IllegalArgumentException("unknown matmul '" + name + "'; accepted: " + ACCEPTED_NAMES);
    }

    private static int threadCount(String name, String family, String digits) {
        try {
            int threads = Integer.parseInt(digits);
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("bad thread count in matmul '" + name
                + "' (want " + family + ":N with N >= 1); accepted: " + ACCEPTED_NAMES);
    }

    /**
     * The only place that names {@link VectorMatMul}: the JVM resolves that reference when this
     * class's method first runs, so {@link MatMuls} itself loads fine without the module.
     */
    private static final class VectorKernels {
        static MatMul withThreads(int threads) {
            return threads == 1 ? VectorMatMul.singleThreaded() : VectorMatMul.withThreads(threads);
        }
    }
}
