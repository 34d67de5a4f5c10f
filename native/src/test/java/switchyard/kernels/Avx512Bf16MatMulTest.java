package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.BitIdentity;
import switchyard.math.linalg.KernelAgreement.Op;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.TestMatrices;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.precision.Bf16Operands;
import switchyard.math.precision.Bfloat16;

/**
 * The AVX512-BF16 kernel on every op, with and without accumulating, on shapes that straddle its
 * blocking (6-row tiles, 64-column panels, pairs of k, 256-value k blocks, row and column parts):
 * within float32's summation error of the exact product of the rounded operands, and bit for bit
 * the same as math's bfloat16 fallback on the vector kernel; bit-identical across thread counts.
 * Skipped where the kernel cannot run; {@link Avx512Bf16KernelProviderTest} fails if that
 * happens on a CPU that has AVX512-BF16.
 */
class Avx512Bf16MatMulTest {

    /** Both kernels sum the same exact float32 products in float32; only the order could differ. */
    private static final MatMul FALLBACK = new Bf16Operands(VectorMatMul.singleThreaded());
    private static final int[] SIZES = {1, 2, 15, 16, 17, 31, 33, 47, 100};
    /** {m, k, n} past the sizes above: several k blocks (odd ones too), row parts and panels. */
    private static final int[][] LARGER = {
            {64, 255, 96}, {65, 256, 97}, {31, 257, 33}, {12, 513, 20}, {40, 520, 200}, {261, 131, 67},
            {9, 2001, 200}, {300, 20, 1100}, {400, 301, 130}, {7, 1, 300},
    };

    private MatMul one;
    private MatMul two;

    @BeforeEach
    void needsAvx512Bf16() {
        assumeTrue(Avx512Bf16MatMul.available(), () -> "AVX512-BF16 kernel not available: " + Avx512Bf16MatMul.unavailableReason());
        one = Avx512Bf16MatMul.withThreads(1);
        two = Avx512Bf16MatMul.withThreads(2);
    }

    @Test
    void everyOpOnAwkwardShapesIsTheRoundedProductToFloat32SummationError() {
        for (int m : SIZES) {
            for (int k : SIZES) {
                for (int n : SIZES) {
                    checkAllOps(m, k, n);
                }
            }
        }
        for (int[] s : LARGER) {
            checkAllOps(s[0], s[1], s[2]);
        }
    }

    @Test
    void everyOpIsBitIdenticalAcrossThreadCounts() {
        int[][] shapes = {{1000, 600, 700}, {333, 517, 129}, {24, 700, 300}, {97, 1500, 1100}, {1000, 300, 9}, {2000, 64, 1024}};
        BitIdentity.assertBitIdentical(one, List.of(two, Avx512Bf16MatMul.withThreads(3)), shapes, 2027);
    }

    /**
     * Where the packed operands would pass 2 GiB the kernel hands the product to the vector kernel
     * on rounded copies (too large to run here, so the fallback is called on the layer's shapes cut
     * down): the kernel's bits, every op, and the caller's operands untouched.
     */
    @Test
    void productsTooLargeToPackRunAsTheFallbackDoes() {
        Random rnd = new Random(2028);
        int m = 70;
        int k = 300;
        int n = 130;
        for (Op op : Op.values()) {
            boolean transA = op == Op.TRANS_A;
            boolean transB = op == Op.TRANS_B;
            FMatrixRMaj a = transA ? TestMatrices.random(k, m, rnd) : TestMatrices.random(m, k, rnd);
            FMatrixRMaj b = transB ? TestMatrices.random(n, k, rnd) : TestMatrices.random(k, n, rnd);
            FMatrixRMaj bias = TestMatrices.random(1, n, rnd);
            FMatrixRMaj start = TestMatrices.random(m, n, rnd);
            float[] a0 = a.data.clone();
            float[] b0 = b.data.clone();
            boolean withBias = op == Op.BIAS || op == Op.BIAS_RELU;
            boolean accumulate = !withBias;
            FMatrixRMaj c = start.copy();
            Avx512Bf16MatMul.onVectorKernel(a.data, transA, a.numCols, b.data, transB, b.numCols, c.data, m, n, k,
                    accumulate, withBias ? bias.data : null, op == Op.BIAS_RELU, null);
            assertArrayEquals(run(two, op, a, b, bias, start, accumulate).data, c.data, op.toString());
            assertArrayEquals(a0, a.data);
            assertArrayEquals(b0, b.data);
        }
    }

    private void checkAllOps(int m, int k, int n) {
        Random rnd = new Random(31L * m + 17L * k + n);
        for (Op op : Op.values()) {
            FMatrixRMaj a = op == Op.TRANS_A ? TestMatrices.random(k, m, rnd) : TestMatrices.random(m, k, rnd);
            FMatrixRMaj b = op == Op.TRANS_B ? TestMatrices.random(n, k, rnd) : TestMatrices.random(k, n, rnd);
            FMatrixRMaj bias = TestMatrices.random(1, n, rnd);
            FMatrixRMaj start = TestMatrices.random(m, n, rnd);
            boolean[] accumulating = op == Op.BIAS || op == Op.BIAS_RELU ? new boolean[] {false} : new boolean[] {false, true};
            for (boolean accumulate : accumulating) {
                String what = op + (accumulate ? "+=" : "") + " m=" + m + " k=" + k + " n=" + n;
                FMatrixRMaj expected = run(FALLBACK, op, a, b, bias, start, accumulate);
                for (MatMul mm : List.of(one, two)) {
                    FMatrixRMaj actual = run(mm, op, a, b, bias, start, accumulate);
                    assertWithinSummationError(op, a, b, bias, accumulate ? start : null, k, actual, mm.name() + " " + what);
                    // On these operands no sum comes near a denormal, the one place the two may differ.
                    assertArrayEquals(expected.data, Arrays.copyOf(actual.data, m * n), mm.name() + " vs " + FALLBACK.name() + " " + what);
                }
            }
        }
    }

    static FMatrixRMaj run(MatMul mm, Op op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, FMatrixRMaj start, boolean accumulate) {
        FMatrixRMaj c = start.copy();
        switch (op) {
            case MUL -> mm.mul(a, b, c, accumulate);
            case TRANS_A -> mm.mulTransA(a, b, c, accumulate);
            case TRANS_B -> mm.mulTransB(a, b, c, accumulate);
            case BIAS -> mm.mulBias(a, b, bias, false, c);
            case BIAS_RELU -> mm.mulBias(a, b, bias, true, c);
        }
        return c;
    }

    /**
     * |actual − exact| ≤ k·2⁻²³·(Σ|a·b| + |c₀| + |bias|) per element, with a and b rounded to
     * bfloat16 first. Every product of two bfloat16 values is exact in float32, so the kernel sums
     * k exact terms, plus the start value and the bias: at most k+2 terms, each rounded into the
     * running float32 sum at most k+1 times, each time by at most 2⁻²⁴ of the sum's magnitude; the
     * recursive-summation bound (k+1)·2⁻²⁴·Σ|terms| holds for any order of adding them, and is at
     * most k·2⁻²³·Σ|terms|. ReLU only brings two values closer.
     */
    static void assertWithinSummationError(Op op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, FMatrixRMaj start,
                                           int k, FMatrixRMaj actual, String what) {
        double[][] ra = rounded(TestMatrices.logical(a, op == Op.TRANS_A));
        double[][] rb = rounded(TestMatrices.logical(b, op == Op.TRANS_B));
        int m = ra.length;
        int n = actual.numCols;
        assertEquals(m, actual.numRows, what + " rows");
        double[][] exact = TestMatrices.product(ra, rb, n);
        double[][] scale = TestMatrices.magnitude(ra, rb);
        boolean withBias = op == Op.BIAS || op == Op.BIAS_RELU;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double e = exact[i][j];
                double s = scale[i][j];
                if (start != null) {
                    e += start.get(i, j);
                    s += Math.abs(start.get(i, j));
                }
                if (withBias) {
                    e += bias.get(0, j);
                    s += Math.abs(bias.get(0, j));
                }
                if (op == Op.BIAS_RELU) {
                    e = Math.max(e, 0);
                }
                double tol = Math.max(k, 1) * 0x1p-23 * s;
                if (!(Math.abs(actual.get(i, j) - e) <= tol)) {
                    fail(what + ": cell (" + i + "," + j + ") expected " + e + " got " + actual.get(i, j) + " tol " + tol);
                }
            }
        }
    }

    private static double[][] rounded(double[][] x) {
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Bfloat16.round((float) row[j]);
            }
        }
        return x;
    }
}
