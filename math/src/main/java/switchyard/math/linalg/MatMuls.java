package switchyard.math.linalg;

/**
 * Picks a {@link MatMul}. The vector kernel needs the incubating {@code jdk.incubator.vector}
 * module, which is only resolved when the JVM runs with {@code --add-modules jdk.incubator.vector};
 * without it, touching {@link VectorMatMul} would throw {@link NoClassDefFoundError}, so it is only
 * reached through {@link VectorKernels} once the module is known to be present.
 */
public final class MatMuls {

    /** Names {@link #byName} accepts, for messages and command-line help. */
    public static final String ACCEPTED_NAMES = "ejml, vector, vector:N (N threads), best, metered:<any of these>";

    private MatMuls() {
    }

    /** True when this JVM resolved the Vector API module, so {@link VectorMatMul} can load. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The vector kernel on every available processor when it can run here, else EJML. */
    public static MatMul best() {
        if (vectorApiAvailable()) {
            return VectorKernels.withThreads(Runtime.getRuntime().availableProcessors());
        }
        return ejml();
    }

    public static MatMul ejml() {
        return new EjmlMatMul();
    }

    /**
     * {@code "ejml"}, {@code "vector"} (single-threaded), {@code "vector:N"} (N threads) or
     * {@code "best"}, optionally prefixed with {@code "metered:"} to count products and their time
     * in {@link MatMulMeter#shared()}; case-insensitive.
     *
     * @throws IllegalArgumentException for any other name, or for "vector" when the module is absent
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
        if (key.equals("vector") || key.startsWith("vector:")) {
            int threads = key.equals("vector") ? 1 : threadCount(name, key.substring("vector:".length()));
            if (!vectorApiAvailable()) {
                throw new IllegalArgumentException("matmul '" + name
                        + "' needs the JVM flag --add-modules jdk.incubator.vector");
            }
            return VectorKernels.withThreads(threads);
        }
        throw new IllegalArgumentException("unknown matmul '" + name + "'; accepted: " + ACCEPTED_NAMES);
    }

    private static int threadCount(String name, String digits) {
        try {
            int threads = Integer.parseInt(digits);
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("bad thread count in matmul '" + name
                + "' (want vector:N with N >= 1); accepted: " + ACCEPTED_NAMES);
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
