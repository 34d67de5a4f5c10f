package switchyard.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.testing.Bf16VectorChecks;

/**
 * Both families of reference vectors through the oracle with the expert products on this module's
 * bfloat16 kernels (AVX512-BF16, AMX with one tile product), the router on float32: the rules of
 * math's bf16 vector test. Each kernel is skipped where it cannot run.
 */
class Bf16KernelsReferenceVectorsTest {
    private static final MatMul ROUTER = MatMuls.ejml();

    @ParameterizedTest(name = "{0} on avx512bf16")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void top2OnAvx512Bf16(String name, ReferenceCase c) {
        assumeTrue(Avx512Bf16MatMul.available(), () -> "no AVX512-BF16 kernel: " + Avx512Bf16MatMul.unavailableReason());
        Bf16VectorChecks.assertTop2(c, ROUTER, Avx512Bf16MatMul.withThreads(2));
    }

    @ParameterizedTest(name = "{0} on avx512bf16")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void v3OnAvx512Bf16(String name, V3Case c) {
        assumeTrue(Avx512Bf16MatMul.available(), () -> "no AVX512-BF16 kernel: " + Avx512Bf16MatMul.unavailableReason());
        Bf16VectorChecks.assertV3(c, ROUTER, Avx512Bf16MatMul.withThreads(2));
    }

    @ParameterizedTest(name = "{0} on amx-bf16")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void top2OnAmxBf16(String name, ReferenceCase c) {
        assumeTrue(AmxMatMul.available(), () -> "no AMX kernel: " + AmxMatMul.unavailableReason());
        Bf16VectorChecks.assertTop2(c, ROUTER, AmxMatMul.bf16WithThreads(2));
    }

    @ParameterizedTest(name = "{0} on amx-bf16")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void v3OnAmxBf16(String name, V3Case c) {
        assumeTrue(AmxMatMul.available(), () -> "no AMX kernel: " + AmxMatMul.unavailableReason());
        Bf16VectorChecks.assertV3(c, ROUTER, AmxMatMul.bf16WithThreads(2));
    }
}
