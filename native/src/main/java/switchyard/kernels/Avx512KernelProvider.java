package switchyard.kernels;

import switchyard.math.linalg.KernelProvider;
import switchyard.math.linalg.MatMul;

/**
 * Offers {@link Avx512MatMul} to math's {@code MatMuls} as the float32 kernel named
 * {@code avx512}; listed in {@code META-INF/services} next to the others. Creating one touches
 * nothing native: the library is loaded when {@link #unavailableReason} is first asked.
 */
public final class Avx512KernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "avx512";
    }

    @Override
    public String unavailableReason() {
        return Avx512MatMul.unavailableReason();
    }

    @Override
    public MatMul withThreads(int threads) {
        return Avx512MatMul.withThreads(threads);
    }
}
