package switchyard.kernels;

import switchyard.math.linalg.KernelProvider;
import switchyard.math.linalg.MatMul;

/**
 * Offers {@link Avx512Bf16MatMul} to math's {@code MatMuls} as the kernel named
 * {@code avx512bf16}; listed in {@code META-INF/services} next to the AMX kernel. It multiplies
 * bfloat16 operands, not float32 ones, so nothing picks it as a default: a caller asks for it by
 * name. Creating one touches nothing native: the library is loaded when
 * {@link #unavailableReason} is first asked.
 */
public final class Avx512Bf16KernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "avx512bf16";
    }

    @Override
    public String unavailableReason() {
        return Avx512Bf16MatMul.unavailableReason();
    }

    @Override
    public MatMul withThreads(int threads) {
        return Avx512Bf16MatMul.withThreads(threads);
    }
}
