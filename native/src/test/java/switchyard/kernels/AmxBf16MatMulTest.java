package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.BitIdentity;
import switchyard.math.linalg.KernelAgreement;
import switchyard.math.linalg.KernelAgreement.Op;
import switchyard.math.linalg.TestMatrices;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.precision.Bf16Operands;
import switchyard.math.precision.ExpertKernels;
import switchyard.math.precision.Precision;

/**
 * The AMX kernel with bfloat16 operands ({@code amx-bf16}, one tile product per step): within
 * bfloat16's rounding of the exact product on every shape and op of {@link KernelAgreement}, the
 * fallback's products up to float32 summation order, bit-identical across thread counts, and what
 * {@code --precision bf16} picks where AMX is present. Skipped where AMX cannot run.
 */
class AmxBf16MatMulTest {

    /** Each operand rounded to bfloat16 is off by up to 2⁻⁹ of itself, so each term by about 2⁻⁸; 2⁻⁷ leaves room for the sum. */
    private static final double TERM_ERROR = 1.0 / (1 << 7);

    @BeforeEach
    void needsAmx() {
        assumeTrue(AmxMatMul.available(), () -> "AMX kernel not available: " + AmxMatMul.unavailableReason());
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} accumulate={4}")
    @MethodSource("switchyard.math.linalg.KernelAgreement#cases")
    void tilesMatchEjmlWithinBfloat16Rounding(Op op, int m, int k, int n, boolean accumulate) {
        KernelAgreement.assertMatchesEjml(List.of(AmxMatMul.bf16WithThreads(1), AmxMatMul.bf16WithThreads(2)), TERM_ERROR, op, m, k, n, accumulate);
    }

    /** The same exact products as the fallback, summed in another float32 order: within float32's error of the sum. */
    @Test
    void productsAreTheFallbacksUpToSummationOrder() {
        Random rnd = new Random(24);
        FMatrixRMaj a = TestMatrices.random(130, 300, rnd);
        FMatrixRMaj b = TestMatrices.random(300, 70, rnd);
        FMatrixRMaj tiles = new FMatrixRMaj(130, 70);
        FMatrixRMaj fallback = new FMatrixRMaj(130, 70);
        AmxMatMul.bf16WithThreads(2).mul(a, b, tiles, false);
        new Bf16Operands(VectorMatMul.singleThreaded()).mul(a, b, fallback, false);
        double[][] scale = TestMatrices.magnitude(TestMatrices.logical(a, false), TestMatrices.logical(b, false));
        for (int i = 0; i < 130; i++) {
            for (int j = 0; j < 70; j++) {
                double err = Math.abs(tiles.get(i, j) - fallback.get(i, j)) / scale[i][j];
                assertTrue(err < 300 * 0x1p-23, "(" + i + "," + j + "): " + tiles.get(i, j) + " against " + fallback.get(i, j));
            }
        }
    }

    @Test
    void everyOpIsBitIdenticalAcrossThreadCounts() {
        int[][] shapes = {{512, 64, 256}, {333, 517, 129}, {97, 1500, 1100}};
        BitIdentity.assertBitIdentical(AmxMatMul.bf16WithThreads(1), List.of(AmxMatMul.bf16WithThreads(2), AmxMatMul.bf16WithThreads(3)),
                shapes, 2027);
    }

    @Test
    void bf16RunsTakeItWhereAmxIsPresent() {
        assertEquals("amx-bf16(2 threads)", ExpertKernels.byName("amx:2", Precision.BF16).name());
        assertTrue(ExpertKernels.byName("best", Precision.BF16).name().startsWith("amx-bf16("));
    }
}
