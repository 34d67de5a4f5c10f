package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.KernelAgreement.Op;
import switchyard.math.linalg.KernelAgreement.Operands;

/**
 * Holds the vector kernel (one and two threads) to EJML on all four products
 * ({@link KernelAgreement}), and both to a double-precision reference on small shapes.
 */
class MatMulTest {

    private static final MatMul EJML = new EjmlMatMul();
    private static final MatMul VECTOR_1 = VectorMatMul.singleThreaded();
    private static final MatMul VECTOR_2 = VectorMatMul.withThreads(2);

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} accumulate={4}")
    @MethodSource("switchyard.math.linalg.KernelAgreement#cases")
    void vectorMatchesEjml(Op op, int m, int k, int n, boolean accumulate) {
        KernelAgreement.assertMatchesEjml(List.of(VECTOR_1, VECTOR_2), KernelAgreement.FLOAT32_TERM_ERROR, op, m, k, n, accumulate);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallShapes")
    void bothMatchDoublePrecisionReference(Op op, int m, int k, int n) {
        Random rnd = new Random(7L * m + k + 3L * n);
        Operands x = Operands.random(op, m, k, n, rnd);
        double[][] a = TestMatrices.logical(x.a(), op == Op.TRANS_A);
        double[][] b = TestMatrices.logical(x.b(), op == Op.TRANS_B);
        double[][] exact = TestMatrices.product(a, b, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (op == Op.BIAS || op == Op.BIAS_RELU) {
                    exact[i][j] += x.bias().get(0, j);
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
            FMatrixRMaj actual = KernelAgreement.run(mm, op, x, TestMatrices.garbage(m, n, rnd), false);
            KernelAgreement.assertClose(expected, actual, scale, null, mm.name() + " vs double " + op);
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
        KernelAgreement.assertClose(expected, big, scale, null, "reused buffer");
    }

    private static void assertZero(FMatrixRMaj c, String what) {
        for (int i = 0; i < c.getNumElements(); i++) {
            assertEquals(0f, c.data[i], what + " at " + i);
        }
    }
}
