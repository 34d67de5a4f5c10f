package switchyard.math.linalg;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link KernelProvider}s on the class path, by name, looked up once when {@link MatMuls} first
 * asks for one. Loaded through math's own class loader, so the answer does not depend on the
 * asking thread's context class loader. When two providers share a name, the first one the
 * service loader finds is used.
 */
final class ProvidedKernels {

    /** Why a kernel is missing when no provider has its name. */
    static final String NOT_ON_CLASS_PATH = "the native kernel module (switchyard-native) is not on the class path";

    private static final Map<String, KernelProvider> BY_NAME = new HashMap<>();
    /** Why a name without a provider is missing: {@link #NOT_ON_CLASS_PATH}, or how loading failed. */
    private static final String MISSING = load();

    private ProvidedKernels() {
    }

    /** Null when the kernel called {@code name} can run here; otherwise why not. */
    static String unavailableReason(String name) {
        KernelProvider provider = BY_NAME.get(name);
        return provider == null ? missing(name) : provider.unavailableReason();
    }

    /**
     * The kernel called {@code name} on {@code threads} threads.
     *
     * @throws IllegalStateException when it cannot run here, with the reason
     */
    static MatMul withThreads(String name, int threads) {
        KernelProvider provider = BY_NAME.get(name);
        if (provider == null) {
            throw new IllegalStateException("the kernel '" + name + "' cannot run here: " + missing(name));
        }
        return provider.withThreads(threads);
    }

    /** Why no provider is called {@code name}: no native module at all, or one without that kernel. */
    private static String missing(String name) {
        return BY_NAME.isEmpty() || !NOT_ON_CLASS_PATH.equals(MISSING) ? MISSING
                : "the native kernel module on the class path has no kernel '" + name + "' (built without it?)";
    }

    private static String load() {
        try {
            for (KernelProvider provider : ServiceLoader.load(KernelProvider.class, KernelProvider.class.getClassLoader())) {
                BY_NAME.putIfAbsent(provider.name(), provider);
            }
            return NOT_ON_CLASS_PATH;
        } catch (ServiceConfigurationError e) {
            return "the native kernel module could not be loaded: " + e.getMessage();
        }
    }
}
