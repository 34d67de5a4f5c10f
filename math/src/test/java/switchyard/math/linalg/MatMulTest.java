package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the vector kernel (one and two threads) to EJML on all four products, and both to a
 * double-precision reference on small shapes. Shapes straddle every blocking boundary of the
 * kernel: the 8-row and 32-column tile (16 lanes × 2), the 256-step k block, and the row and
 * column blocks that BlockedProduct sizes from n and k.
 */
class MatMulTest {

    private static final MatMul EJML = new EjmlMatMul();
    /** Error per unit of Σ|a·b| a float32 kernel is allowed against EJML (summation order differs). */
    static final double FLOAT32_TERM_ERROR = 1e-5;
    private static final MatMul VECTOR_1 = VectorMatMul.singleThreaded();
    private static final MatMul VECTOR_2 = VectorMatMul.withThreads(2);

    /** Ops by the name used in MatMul. */
    enum Op { MUL, TRANS_A, TRANS_B, BIAS, BIAS_RELU }

    /** {m, k, n}. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 1}, {1, 1, 33}, {5, 1, 1}, {1, 300, 40}, {40, 300, 1},
            {7, 3, 31}, {8, 8, 32}, {9, 17, 33}, {15, 16, 47}, {16, 32, 64}, {17, 31, 65},
            {33, 100, 95}, {64, 255, 96}, {65, 256, 97}, {31, 257, 33}, {12, 513, 20},
            {257, 40, 31}, {300, 70, 130}, {130, 300, 70}, {40, 520, 200}, {261, 131, 67},
            // Several column blocks (k so large that packed B is split) and several row blocks.
            {9, 20000, 200}, {300, 20, 1100},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (Op op : Op.values()) {
                out.add(Arguments.of(op, s[0], s[1], s[2], false));
                if (op == Op.MUL || op == Op.TRANS_A || op == Op.TRANS_B) {
                    out.add(Arguments.of(op, s[0], s[1], s[2], true));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} accumulate={4}")
    @MethodSource("cases")
    void vectorMatchesEjml(Op op, int m, int k, int n, boolean accumulate) {
        assertMatchesEjml(List.of(VECTOR_1, VECTOR_2), FLOAT32_TERM_ERROR, op, m, k, n, accumulate);
    }

    /** Runs {@code op} on random operands with each kernel and holds it to EJML within {@code termError} of Σ|a·b|. */
    static void assertMatchesEjml(List<MatMul> kernels, double termError, Op op, int m, int k, int n, boolean accumulate) {
        Random rnd = new Random(31L * m + 17L * k + n + op.ordinal());
        Operands x = Operands.random(op, m, k, n, rnd);
        FMatrixRMaj start = TestMatrices.garbage(m, n, rnd);
        FMatrixRMaj expected = run(EJML, op, x, start, accumulate);
        double[][] scale = x.scale(op);
        for (MatMul mm : kernels) {
            FMatrixRMaj actual = run(mm, op, x, start, accumulate);
            assertClose(expected, actual, scale, accumulate ? start : null, termError, mm.name() + " " + op);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallShapes")
    void bothMatchDoublePrecisionReference(Op op, int m, int k, int n) {
        Random rnd = new Random(7L * m + k + 3L * n);
        Operands x = Operands.random(op, m, k, n, rnd);
        double[][] a = TestMatrices.logical(x.a, op == Op.TRANS_A);
        double[][] b = TestMatrices.logical(x.b, op == Op.TRANS_B);
        double[][] exact = TestMatrices.product(a, b, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (op == Op.BIAS || op == Op.BIAS_RELU) {
                    exact[i][j] += x.bias.get(0, j);
                }
                if (op == Op.BIAS_RELU) {
                    exact[i][j] = Math.max(exact[i][j], 0);
                }
            }
        }
        FMatrixRMaj expected = new FMatrixRMaj(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                expected.set(i, j, (float) exact[i][j]);
            }
        }
        double[][] scale = x.scale(op);
        for (MatMul mm : List.of(EJML, VECTOR_1, VECTOR_2)) {
            FMatrixRMaj actual = run(mm, op, x, TestMatrices.garbage(m, n, rnd), false);
            assertClose(expected, actual, scale, null, mm.name() + " vs double " + op);
        }
    }

    static Stream<Arguments> smallShapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {3, 5, 2}, {9, 33, 35}, {20, 270, 17}};
        for (int[] s : shapes) {
            for (Op op : Op.values()) {
                out.add(Arguments.of(op, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    @Test
    void emptyReductionZeroesOrKeepsC() {
        Random rnd = new Random(5);
        for (MatMul mm : List.of(EJML, VECTOR_1, VECTOR_2)) {
            FMatrixRMaj a = new FMatrixRMaj(3, 0);
            FMatrixRMaj b = new FMatrixRMaj(0, 4);
            FMatrixRMaj c = TestMatrices.garbage(3, 4, rnd);
            FMatrixRMaj before = c.copy();
            mm.mul(a, b, c, true);
            assertTrue(java.util.Arrays.equals(before.data, c.data), mm.name() + " accumulate k=0 must leave c alone");
            mm.mul(a, b, c, false);
            assertZero(c, mm.name() + " mul k=0");

            c = TestMatrices.garbage(3, 4, rnd);
            mm.mulTransA(new FMatrixRMaj(0, 3), b, c, false);
            assertZero(c, mm.name() + " mulTransA k=0");
            c = TestMatrices.garbage(3, 4, rnd);
            mm.mulTransB(a, new FMatrixRMaj(4, 0), c, false);
            assertZero(c, mm.name() + " mulTransB k=0");

            FMatrixRMaj bias = new FMatrixRMaj(new float[][] {{1f, -2f, 0.5f, -0f}});
            c = TestMatrices.garbage(3, 4, rnd);
            mm.mulBias(a, b, bias, true, c);
            for (int i = 0; i < 3; i++) {
                assertEquals(1f, c.get(i, 0), mm.name());
                assertEquals(0f, c.get(i, 1), mm.name());
                assertEquals(0.5f, c.get(i, 2), mm.name());
            }
        }
    }

    @Test
    void emptyOutputsAreReshapedAndLeftEmpty() {
        for (MatMul mm : List.of(EJML, VECTOR_1, VECTOR_2)) {
            FMatrixRMaj c = new FMatrixRMaj(2, 2);
            mm.mul(new FMatrixRMaj(0, 5), new FMatrixRMaj(5, 3), c, false);
            assertEquals(0, c.numRows, mm.name());
            assertEquals(3, c.numCols, mm.name());
            mm.mulTransB(new FMatrixRMaj(4, 5), new FMatrixRMaj(0, 5), c, false);
            assertEquals(4, c.numRows, mm.name());
            assertEquals(0, c.numCols, mm.name());
            mm.mulBias(new FMatrixRMaj(0, 5), new FMatrixRMaj(5, 3), new FMatrixRMaj(1, 3), true, c);
            assertEquals(0, c.numRows, mm.name());
        }
    }

    @Test
    void reusesALargerOutputBuffer() {
        Random rnd = new Random(9);
        FMatrixRMaj a = TestMatrices.random(10, 20, rnd);
        FMatrixRMaj b = TestMatrices.random(20, 30, rnd);
        FMatrixRMaj big = TestMatrices.garbage(40, 40, rnd);
        float[] backing = big.data;
        VECTOR_1.mul(a, b, big, false);
        assertEquals(10, big.numRows);
        assertEquals(30, big.numCols);
        assertTrue(backing == big.data, "reshape should keep the larger backing array");
        FMatrixRMaj expected = new FMatrixRMaj(10, 30);
        EJML.mul(a, b, expected, false);
        double[][] scale = TestMatrices.magnitude(TestMatrices.logical(a, false), TestMatrices.logical(b, false));
        assertClose(expected, big, scale, null, "reused buffer");
    }

    private static void assertZero(FMatrixRMaj c, String what) {
        for (int i = 0; i < c.getNumElements(); i++) {
            assertEquals(0f, c.data[i], what + " at " + i);
        }
    }

    /** |diff| ≤ 1e-5·(scale + |c₀|) + 1e-6 per cell, where c₀ is the start value when accumulating. */
    static void assertClose(FMatrixRMaj expected, FMatrixRMaj actual, double[][] scale, FMatrixRMaj start, String what) {
        assertClose(expected, actual, scale, start, FLOAT32_TERM_ERROR, what);
    }

    /** |diff| ≤ termError·scale + 1e-5·|c₀| + 1e-6 per cell, where c₀ is the start value when accumulating. */
    static void assertClose(FMatrixRMaj expected, FMatrixRMaj actual, double[][] scale, FMatrixRMaj start,
                            double termError, String what) {
        assertEquals(expected.numRows, actual.numRows, what + " rows");
        assertEquals(expected.numCols, actual.numCols, what + " cols");
        for (int i = 0; i < expected.numRows; i++) {
            for (int j = 0; j < expected.numCols; j++) {
                double e = expected.get(i, j);
                double x = actual.get(i, j);
                double tol = termError * scale[i][j] + 1e-5 * (start == null ? 0 : Math.abs(start.get(i, j))) + 1e-6;
                if (!(Math.abs(e - x) <= tol)) {
                    fail(what + ": cell (" + i + "," + j + ") expected " + e + " got " + x + " tol " + tol);
                }
            }
        }
    }

    static FMatrixRMaj run(MatMul mm, Op op, Operands x, FMatrixRMaj start, boolean accumulate) {
        FMatrixRMaj c = start.copy();
        switch (op) {
            case MUL -> mm.mul(x.a, x.b, c, accumulate);
            case TRANS_A -> mm.mulTransA(x.a, x.b, c, accumulate);
            case TRANS_B -> mm.mulTransB(x.a, x.b, c, accumulate);
            case BIAS -> mm.mulBias(x.a, x.b, x.bias, false, c);
            case BIAS_RELU -> mm.mulBias(x.a, x.b, x.bias, true, c);
        }
        return c;
    }

    /** Operands laid out as the op expects them: a is [k×m] for TRANS_A, b is [n×k] for TRANS_B. */
    record Operands(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias) {
        static Operands random(Op op, int m, int k, int n, Random rnd) {
            FMatrixRMaj a = op == Op.TRANS_A ? TestMatrices.random(k, m, rnd) : TestMatrices.random(m, k, rnd);
            FMatrixRMaj b = op == Op.TRANS_B ? TestMatrices.random(n, k, rnd) : TestMatrices.random(k, n, rnd);
            return new Operands(a, b, TestMatrices.random(1, n, rnd));
        }

        /** Σ|a·b| per cell, plus |bias| for the ops that add it. */
        double[][] scale(Op op) {
            double[][] s = TestMatrices.magnitude(TestMatrices.logical(a, op == Op.TRANS_A),
                    TestMatrices.logical(b, op == Op.TRANS_B));
            if (op == Op.BIAS || op == Op.BIAS_RELU) {
                for (double[] row : s) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] += Math.abs(bias.get(0, j));
                    }
                }
            }
            return s;
        }
    }
}
