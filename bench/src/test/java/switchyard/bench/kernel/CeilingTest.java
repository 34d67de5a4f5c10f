package switchyard.bench.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ceilings the bench reads its figures against: that their loops do the work they count. (The
 * AMX tile ceiling is the native module's, and tested there.)
 */
class CeilingTest {

    @Test
    void theFmaCeilingIsAPositiveRate() {
        double fma = FmaCeiling.gflops(1);
        assertTrue(fma > 0 && Double.isFinite(fma), "FMA ceiling " + fma);
    }

    @Test
    void aLoopsFailureReachesTheCaller() {
        IllegalStateException broken = new IllegalStateException("loop broke");
        assertSame(broken, assertThrows(IllegalStateException.class, () -> CeilingRounds.bestGflops(2, () -> {
            throw broken;
        })));
    }

    @Test
    void everyRoundRunsTheLoopOnEveryThreadAtOnce() {
        // the loops wait for each other: run one after the other, they would time out
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicInteger runs = new AtomicInteger();
        double rate = CeilingRounds.bestGflops(2, () -> {
            try {
                together.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("the threads did not run together", e);
            }
            runs.incrementAndGet();
            return 1e6;
        });
        assertEquals(2 * 5, runs.get(), "2 threads in each of 5 rounds");
        assertTrue(rate > 0 && Double.isFinite(rate), "rate " + rate);
    }
}
