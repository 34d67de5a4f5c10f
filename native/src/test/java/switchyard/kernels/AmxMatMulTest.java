package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
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
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.TestMatrices;
import switchyard.math.linalg.VectorMatMul;

/**
 * The AMX (bf16x3) kernel against EJML and a double-precision reference on every shape and op of
 * {@link KernelAgreement}, forced onto tiles however small; bit-identical across thread counts.
 * Skipped where the kernel cannot run; {@link AmxKernelProviderTest} fails if that happens on a
 * CPU that has AMX.
 */
class AmxMatMulTest {

    /**
     * Per-term error of bf16x3: the dropped lo·lo term and the rounding of each lo are each within
     * 2⁻¹⁶ of |a·b|, on top of the float32 summation error the vector kernel is held to (1e-5).
     */
    private static final double TERM_ERROR = 3.0 / (1 << 16) + KernelAgreement.FLOAT32_TERM_ERROR;

    @BeforeEach
    void needsAmx() {
        assumeTrue(AmxMatMul.available(), () -> "AMX kernel not available: " + AmxMatMul.unavailableReason());
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} accumulate={4}")
    @MethodSource("switchyard.math.linalg.KernelAgreement#cases")
    void tilesMatchEjml(Op op, int m, int k, int n, boolean accumulate) {
        KernelAgreement.assertMatchesEjml(List.of(AmxMatMul.forAllSizes(1), AmxMatMul.forAllSizes(2)), TERM_ERROR, op, m, k, n, accumulate);
    }

    @Test
    void longDotProductsLoseAboutWhatFloat32RoundingLoses() {
        // 512-long dot products of values of one magnitude: bf16x3's per-term errors (up to 2⁻¹⁶
        // relative, unbiased) average out to the size of float32's own rounding of the sum; plain
        // bfloat16 (2⁻⁸) would show as ~1e-3 of the scale. Terms of very different magnitudes are
        // covered by tilesMatchEjml, at the per-term bound.
        Random rnd = new Random(77);
        int m = 96;
        int k = 512;
        int n = 80;
        FMatrixRMaj a = uniform(m, k, rnd);
        FMatrixRMaj b = uniform(k, n, rnd);
        double[][] exact = TestMatrices.product(TestMatrices.logical(a, false), TestMatrices.logical(b, false), n);
        double[][] scale = TestMatrices.magnitude(TestMatrices.logical(a, false), TestMatrices.logical(b, false));
        double amx = worstRelativeError(AmxMatMul.forAllSizes(1), a, b, exact, scale);
        double vector = worstRelativeError(VectorMatMul.singleThreaded(), a, b, exact, scale);
        assertTrue(amx < 2e-6, "bf16x3 worst error / Σ|ab| = " + amx);
        assertTrue(vector < 2e-6, "vector worst error / Σ|ab| = " + vector);
    }

    @Test
    void everyOpIsBitIdenticalAcrossThreadCounts() {
        int[][] shapes = {{512, 64, 256}, {64, 512, 256}, {333, 517, 129}, {24, 700, 300}, {1000, 300, 9}, {97, 1500, 1100}};
        BitIdentity.assertBitIdentical(AmxMatMul.withThreads(1), List.of(AmxMatMul.withThreads(2), AmxMatMul.withThreads(3)),
                shapes, 2026);
    }

    @Test
    void nonFiniteInputsGiveNonFiniteOutputs() {
        Random rnd = new Random(3);
        FMatrixRMaj a = TestMatrices.random(40, 70, rnd);
        FMatrixRMaj b = TestMatrices.random(70, 50, rnd);
        a.set(3, 5, Float.NaN);
        a.set(7, 9, Float.POSITIVE_INFINITY);
        FMatrixRMaj c = new FMatrixRMaj(40, 50);
        AmxMatMul.forAllSizes(1).mul(a, b, c, false);
        for (int j = 0; j < 50; j++) {
            assertTrue(Float.isNaN(c.get(3, j)), "NaN row, column " + j);
            assertFalse(Float.isFinite(c.get(7, j)), "infinite row, column " + j);
            assertTrue(Float.isFinite(c.get(4, j)), "other rows stay finite");
        }
    }

    @Test
    void smallProductsGoToTheVectorKernelUnlessForced() {
        Random rnd = new Random(8);
        FMatrixRMaj a = TestMatrices.random(9, 33, rnd);
        FMatrixRMaj b = TestMatrices.random(33, 35, rnd);
        FMatrixRMaj viaDefault = new FMatrixRMaj(9, 35);
        FMatrixRMaj viaVector = new FMatrixRMaj(9, 35);
        FMatrixRMaj viaTiles = new FMatrixRMaj(9, 35);
        AmxMatMul.withThreads(2).mul(a, b, viaDefault, false);
        VectorMatMul.singleThreaded().mul(a, b, viaVector, false);
        AmxMatMul.forAllSizes(1).mul(a, b, viaTiles, false);
        assertArrayEquals(viaVector.data, viaDefault.data);
        assertFalse(Arrays.equals(viaVector.data, viaTiles.data), "the tile kernel rounds differently, so it must differ somewhere");
    }

    private static FMatrixRMaj uniform(int rows, int cols, Random rnd) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }

    private static double worstRelativeError(MatMul mm, FMatrixRMaj a, FMatrixRMaj b, double[][] exact, double[][] scale) {
        FMatrixRMaj c = new FMatrixRMaj(a.numRows, b.numCols);
        mm.mul(a, b, c, false);
        double worst = 0;
        for (int i = 0; i < c.numRows; i++) {
            for (int j = 0; j < c.numCols; j++) {
                worst = Math.max(worst, Math.abs(c.get(i, j) - exact[i][j]) / scale[i][j]);
            }
        }
        return worst;
    }
}
