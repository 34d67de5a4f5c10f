package switchyard.kernels;

import switchyard.math.linalg.KernelProvider;
import switchyard.math.linalg.MatMul;

/**
 * Offers the AMX kernel with bfloat16 operands ({@link AmxMatMul#bf16WithThreads}) to math as
 * {@code amx-bf16}, which {@code --precision bf16} takes for the expert products where AMX is
 * present. Creating one touches nothing native.
 */
public final class AmxBf16KernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "amx-bf16";
    }

    @Override
    public String unavailableReason() {
        return AmxMatMul.unavailableReason();
    }

    @Override
    public MatMul withThreads(int threads) {
        return AmxMatMul.bf16WithThreads(threads);
    }
}
