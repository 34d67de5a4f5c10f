package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Once warm, a product allocates nothing on the calling thread: scratch is thread-local and
 * reused, and the worker pool hands off work without futures. (The project budgets under 1 KiB
 * of allocation per token.)
 */
class MatMulAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void warmProductsAllocateNothingOnTheCaller() {
        Random rnd = new Random(3);
        // Large enough to go through the pool with two threads, small enough to repeat often.
        FMatrixRMaj a = TestMatrices.random(96, 160, rnd);
        FMatrixRMaj b = TestMatrices.random(160, 96, rnd);
        FMatrixRMaj bT = TestMatrices.random(96, 160, rnd);
        FMatrixRMaj bias = TestMatrices.random(1, 96, rnd);
        FMatrixRMaj c = new FMatrixRMaj(96, 96);
        assertTrue(2L * 96 * 96 * 160 >= VectorMatMul.PARALLEL_MIN_FLOPS);
        MatMul[] kernels = {VectorMatMul.singleThreaded(), VectorMatMul.withThreads(2)};
        long tid = Thread.currentThread().getId();
        long best = Long.MAX_VALUE;
        // Until the JIT has compiled the kernel, the Vector API allocates a box per operation, so
        // rounds are repeated until one runs compiled code throughout (or we give up).
        for (int round = 0; round < 200 && best > 0; round++) {
            long before = THREADS.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20; i++) {
                for (MatMul mm : kernels) {
                    mm.mul(a, b, c, false);
                    mm.mulTransA(b, b, c, true);
                    mm.mulTransB(a, bT, c, false);
                    mm.mulBias(a, b, bias, true, c);
                }
            }
            best = Math.min(best, THREADS.getThreadAllocatedBytes(tid) - before);
        }
        assertTrue(best < 1024, "160 warm products allocated " + best + " bytes on the calling thread");
    }
}
