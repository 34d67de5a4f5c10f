package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMulTest.Op;
import switchyard.math.linalg.MatMulTest.Operands;

/**
 * The AMX (bf16x3) kernel against EJML and a double-precision reference on every shape and op of
 * {@link MatMulTest}, forced onto tiles however small; bit-identical across thread counts; and
 * never skipped on a machine that has AMX.
 */
class AmxMatMulTest {

    /**
     * Per-term error of bf16x3: the dropped lo·lo term and the rounding of each lo are each within
     * 2⁻¹⁶ of |a·b|, on top of the float32 summation error the vector kernel is held to (1e-5).
     */
    private static final double TERM_ERROR = 3.0 / (1 << 16) + 1e-5;

    @BeforeEach
    void needsAmx() {
        assumeTrue(AmxMatMul.available(), () -> "AMX kernel not available: " + AmxMatMul.unavailableReason());
    }

    @Test
    void aCpuWithAmxRunsTheKernel() throws IOException {
        // Not under needsAmx's assumption in spirit: if the CPU has AMX, a failure to load must fail here.
        String flags = Files.readString(Path.of("/proc/cpuinfo"));
        if (flags.contains(" amx_bf16") && flags.contains(" amx_tile") && flags.contains(" avx512_bf16")) {
            assertTrue(AmxMatMul.available(), "this CPU has AMX but: " + AmxMatMul.unavailableReason());
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return MatMulTest.cases();
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} accumulate={4}")
    @MethodSource("cases")
    void tilesMatchEjml(Op op, int m, int k, int n, boolean accumulate) {
        Random rnd = new Random(31L * m + 17L * k + n + op.ordinal());
        Operands x = Operands.random(op, m, k, n, rnd);
        FMatrixRMaj start = TestMatrices.garbage(m, n, rnd);
        FMatrixRMaj expected = MatMulTest.run(MatMuls.ejml(), op, x, start, accumulate);
        double[][] scale = x.scale(op);
        for (MatMul mm : List.of(AmxMatMul.forAllSizes(1), AmxMatMul.forAllSizes(2))) {
            FMatrixRMaj actual = MatMulTest.run(mm, op, x, start, accumulate);
            assertClose(expected, actual, scale, accumulate ? start : null, mm.name() + " " + op);
        }
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
        MatMul single = AmxMatMul.withThreads(1);
        Random rnd = new Random(2026);
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            FMatrixRMaj a = TestMatrices.random(m, k, rnd);
            FMatrixRMaj aT = TestMatrices.random(k, m, rnd);
            FMatrixRMaj b = TestMatrices.random(k, n, rnd);
            FMatrixRMaj bT = TestMatrices.random(n, k, rnd);
            FMatrixRMaj bias = TestMatrices.random(1, n, rnd);
            FMatrixRMaj start = TestMatrices.random(m, n, rnd);
            for (MatMul mm : List.of(AmxMatMul.withThreads(2), AmxMatMul.withThreads(3))) {
                String at = mm.name() + " m=" + m + " k=" + k + " n=" + n;
                MatMulDeterminismTest.assertSame(out -> single.mul(a, b, out, true), out -> mm.mul(a, b, out, true), start, "mul+= " + at);
                MatMulDeterminismTest.assertSame(out -> single.mulTransA(aT, b, out, false), out -> mm.mulTransA(aT, b, out, false), start, "mulTransA " + at);
                MatMulDeterminismTest.assertSame(out -> single.mulTransB(a, bT, out, true), out -> mm.mulTransB(a, bT, out, true), start, "mulTransB+= " + at);
                MatMulDeterminismTest.assertSame(out -> single.mulBias(a, b, bias, true, out), out -> mm.mulBias(a, b, bias, true, out), start, "mulBias " + at);
            }
        }
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

    /** |diff| ≤ TERM_ERROR·scale + 1e-5·|c₀| + 1e-6 per cell (c₀: the start value when accumulating). */
    private static void assertClose(FMatrixRMaj expected, FMatrixRMaj actual, double[][] scale, FMatrixRMaj start, String what) {
        assertEquals(expected.numRows, actual.numRows, what + " rows");
        assertEquals(expected.numCols, actual.numCols, what + " cols");
        for (int i = 0; i < expected.numRows; i++) {
            for (int j = 0; j < expected.numCols; j++) {
                double e = expected.get(i, j);
                double x = actual.get(i, j);
                double tol = TERM_ERROR * scale[i][j] + 1e-5 * (start == null ? 0 : Math.abs(start.get(i, j))) + 1e-6;
                if (!(Math.abs(e - x) <= tol)) {
                    fail(what + ": cell (" + i + "," + j + ") expected " + e + " got " + x + " tol " + tol);
                }
            }
        }
    }
}
