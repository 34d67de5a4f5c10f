package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;

/**
 * The MatMul contract's promise that results are fixed by the shapes alone, as a check any kernel
 * can be put to: the same bits from one thread as from several. Public in math's test-jar so that
 * kernels of other modules are held to it too.
 */
public final class BitIdentity {

    private BitIdentity() {
    }

    /**
     * Every op, with and without accumulating and the epilogue, gives {@code single}'s bits with
     * each of {@code threaded}, on random operands of each {m, k, n} in {@code shapes}.
     */
    public static void assertBitIdentical(MatMul single, List<MatMul> threaded, int[][] shapes, long seed) {
        Random rnd = new Random(seed);
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
            for (MatMul mm : threaded) {
                String at = mm.name() + " m=" + m + " k=" + k + " n=" + n;
                assertSame(out -> single.mul(a, b, out, false), out -> mm.mul(a, b, out, false), start, "mul " + at);
                assertSame(out -> single.mul(a, b, out, true), out -> mm.mul(a, b, out, true), start, "mul+= " + at);
                assertSame(out -> single.mulTransA(aT, b, out, true), out -> mm.mulTransA(aT, b, out, true), start, "mulTransA+= " + at);
                assertSame(out -> single.mulTransA(aT, b, out, false), out -> mm.mulTransA(aT, b, out, false), start, "mulTransA " + at);
                assertSame(out -> single.mulTransB(a, bT, out, false), out -> mm.mulTransB(a, bT, out, false), start, "mulTransB " + at);
                assertSame(out -> single.mulTransB(a, bT, out, true), out -> mm.mulTransB(a, bT, out, true), start, "mulTransB+= " + at);
                assertSame(out -> single.mulBias(a, b, bias, true, out), out -> mm.mulBias(a, b, bias, true, out), start, "mulBias " + at);
            }
        }
    }

    /** One product into {@code out}. */
    public interface Call {
        void into(FMatrixRMaj out);
    }

    /** {@code candidate} writes {@code reference}'s bits (NaN payloads aside) into a copy of {@code start}. */
    public static void assertSame(Call reference, Call candidate, FMatrixRMaj start, String what) {
        FMatrixRMaj expected = start.copy();
        reference.into(expected);
        FMatrixRMaj actual = start.copy();
        candidate.into(actual);
        assertEquals(expected.numRows, actual.numRows, what);
        assertEquals(expected.numCols, actual.numCols, what);
        int cells = expected.getNumElements();
        assertTrue(Arrays.equals(expected.data, 0, cells, actual.data, 0, cells), what + " differs bitwise");
    }
}
