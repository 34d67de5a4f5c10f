package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What every {@link MatMul} kernel is held to against EJML: all four products (and the bias/ReLU
 * epilogue) on shapes that straddle every blocking boundary of the vector kernel (the 8-row and
 * 32-column tile, the 256-step k block, the row and column blocks BlockedProduct sizes from n and
 * k), within an error per unit of Σ|a·b|. Public in math's test-jar so that kernels of other
 * modules are held to the very same cases.
 */
public final class KernelAgreement {

    private static final MatMul EJML = new EjmlMatMul();
    /** Error per unit of Σ|a·b| a float32 kernel is allowed against EJML (summation order differs). */
    public static final double FLOAT32_TERM_ERROR = 1e-5;

    /** Ops by the name used in MatMul. */
    public enum Op { MUL, TRANS_A, TRANS_B, BIAS, BIAS_RELU }

    /** {m, k, n}. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 1}, {1, 1, 33}, {5, 1, 1}, {1, 300, 40}, {40, 300, 1},
            {7, 3, 31}, {8, 8, 32}, {9, 17, 33}, {15, 16, 47}, {16, 32, 64}, {17, 31, 65},
            {33, 100, 95}, {64, 255, 96}, {65, 256, 97}, {31, 257, 33}, {12, 513, 20},
            {257, 40, 31}, {300, 70, 130}, {130, 300, 70}, {40, 520, 200}, {261, 131, 67},
            // Several column blocks (k so large that packed B is split) and several row blocks.
            {9, 20000, 200}, {300, 20, 1100},
    };

    private KernelAgreement() {
    }

    /** {@code (op, m, k, n, accumulate)} for every shape and op, for {@code @MethodSource}. */
    public static Stream<Arguments> cases() {
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

    /** Runs {@code op} on random operands with each kernel and holds it to EJML within {@code termError} of Σ|a·b|. */
    public static void assertMatchesEjml(List<MatMul> kernels, double termError, Op op, int m, int k, int n, boolean accumulate) {
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
