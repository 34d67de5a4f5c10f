package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
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
        BitIdentity.assertBitIdentical(single, threaded, SHAPES, 2024);
    }

    @Test
    void theProductsUsedAboveReallySplitAcrossThreads() {
        for (int[] s : SHAPES) {
            Product p = new Product().set(new float[0], false, s[1], new float[0], false, s[2],
                    new float[0], s[0], s[2], s[1], false, null, false);
            assertTrue(p.rowParts(2) >= 2, "shape " + Arrays.toString(s) + " should be shared by two threads");
        }
    }
}
