package switchyard.kernels;

import switchyard.math.linalg.KernelProvider;
import switchyard.math.linalg.MatMul;

/**
 * Offers {@link AmxMatMul} to math's {@code MatMuls} as the kernel named {@code amx}; listed in
 * {@code META-INF/services}, so math finds it whenever this module is on the class path. Creating
 * one touches nothing native: the library is loaded when {@link #unavailableReason} is first asked.
 */
public final class AmxKernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "amx";
    }

    @Override
    public String unavailableReason() {
        return AmxMatMul.unavailableReason();
    }

    @Override
    public MatMul withThreads(int threads) {
        return AmxMatMul.withThreads(threads);
    }
}
