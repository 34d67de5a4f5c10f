package switchyard.math.precision;

import java.util.Locale;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMulMeter;
import switchyard.math.linalg.MatMuls;
import switchyard.math.linalg.MeteredMatMul;

/**
 * The kernel the expert products run on, from the run's float32 kernel name ({@code --matmul}) and
 * its {@link Precision}. The router always keeps the float32 kernel of that name.
 *
 * <p>With {@link Precision#BF16}, {@code best} takes the fastest bfloat16 kernel this machine has:
 * AMX tiles with one bfloat16 tile product ({@value #AMX_BF16}), else AVX512-BF16 dot products
 * ({@value #AVX512_BF16}), else {@link Bf16Operands} on the float32 kernel; {@code amx} takes the
 * AMX one when present, {@code avx512} the AVX512-BF16 one; {@code vector} and {@code ejml} always take {@link Bf16Operands}, the
 * correct fallback every JVM can run (and the reference the native kernels are held to). All give
 * the same semantics (see {@link Precision#BF16}) up to the order of float32 summation.
 */
public final class ExpertKernels {
    /** The provider name of the AMX kernel with bfloat16 operands (one tile product per step). */
    public static final String AMX_BF16 = "amx-bf16";
    /** The provider name of the AVX512-BF16 ({@code vdpbf16ps}) kernel. */
    public static final String AVX512_BF16 = "avx512bf16";

    private ExpertKernels() {}

    /**
     * The expert kernel for {@code matmul} (a name {@link MatMuls#byName} accepts) at {@code precision}.
     *
     * @throws IllegalArgumentException for a kernel name {@link MatMuls#byName} refuses
     */
    public static MatMul byName(String matmul, Precision precision) {
        MatMul base = MatMuls.byName(matmul);
        if (precision == Precision.FP32) return base;
        String provided = nativeKernel(family(matmul));
        if (provided == null) return new Bf16Operands(base);
        MatMul kernel = MatMuls.provided(provided, base.threads());
        return base instanceof MeteredMatMul ? new MeteredMatMul(kernel, MatMulMeter.shared()) : kernel;
    }

    /**
     * The line a run's header prints about its expert products: the kernel and, when a bfloat16 run
     * falls back to {@link Bf16Operands} under {@code best}, why no native kernel runs.
     */
    public static String describe(String matmul, Precision precision) {
        MatMul kernel = byName(matmul, precision);
        if (precision == Precision.FP32) return "fp32 on " + MatMuls.describe(kernel);
        String why = "";
        if (kernel instanceof Bf16Operands && family(matmul).equals("best")) {
            why = " (no native bfloat16 kernel: " + MatMuls.providedUnavailableReason(AVX512_BF16) + ")";
        }
        return "bf16 on " + kernel.name() + why;
    }

    /** The provided kernel {@code key} (see {@link #family}) should run on at bfloat16, or null for {@link Bf16Operands}. */
    private static String nativeKernel(String key) {
        boolean best = key.equals("best");
        boolean amx = key.equals("amx") || key.startsWith("amx:");
        boolean avx512 = key.equals("avx512") || key.startsWith("avx512:");
        if ((best || amx) && MatMuls.providedUnavailableReason(AMX_BF16) == null) return AMX_BF16;
        if ((best || avx512) && MatMuls.providedUnavailableReason(AVX512_BF16) == null) return AVX512_BF16;
        return null;
    }

    /** The kernel name in lower case without its {@code metered:} prefix: {@code best}, {@code amx:2}, … */
    private static String family(String matmul) {
        String key = matmul.trim().toLowerCase(Locale.ROOT);
        return key.startsWith("metered:") ? key.substring("metered:".length()) : key;
    }
}
