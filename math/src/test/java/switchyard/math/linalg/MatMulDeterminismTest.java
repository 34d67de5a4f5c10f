package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The MatMul contract promises results fixed by the shapes alone: the vector kernel must give
 * bit-identical output for any thread count, because threads share out rectangles of c and never k.
 */
class MatMulDeterminismTest {

    /** {m, k, n}: the benchmark shapes scaled down by 8, plus awkward tails and both split directions. */
    private static final int[][] SHAPES = {
            {512, 64, 256}, {64, 512, 256}, {512, 256, 64},
            {333, 517, 129}, {24, 700, 300}, {1000, 300, 9}, {4001, 300, 1},
            // k so large that B comes in several column blocks, so A is packed once and shared.
            {64, 4100, 600},
    };

    private final List<MatMul> threaded = List.of(VectorMatMul.withThreads(2), VectorMatMul.withThreads(3));
    private final MatMul single = VectorMatMul.singleThreaded();


    @Test
    void everyOpIsBitIdenticalAcrossThreadCounts() {
        for (int[] s : SHAPES) {
            assertTrue(2L * s[0] * s[2] * s[1] >= VectorMatMul.PARALLEL_MIN_FLOPS, "shape too small to reach the pool");
        }
        assertBitIdentical(single, threaded, SHAPES, 2024);
    }

    /** Every op, with and without accumulating and the epilogue, gives {@code single}'s bits with each of {@code threaded}. */
    static void assertBitIdentical(MatMul single, List<MatMul> threaded, int[][] shapes, long seed) {
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

    @Test
    void theProductsUsedAboveReallySplitAcrossThreads() {
        for (int[] s : SHAPES) {
            Product p = new Product().set(new float[0], false, s[1], new float[0], false, s[2],
                    new float[0], s[0], s[2], s[1], false, null, false);
            assertTrue(p.rowParts(2) >= 2, "shape " + Arrays.toString(s) + " should be shared by two threads");
        }
    }

    interface Call {
        void into(FMatrixRMaj out);
    }

    static void assertSame(Call reference, Call candidate, FMatrixRMaj start, String what) {
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
