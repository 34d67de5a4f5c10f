package switchyard.math.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.AmxMatMul;

/** The ceilings the bench reads its figures against: that their loops do the work they count. */
class CeilingTest {

    @Test
    void tileLoopRunsEveryProductItCounts() {
        assumeTrue(AmxMatMul.available(), () -> "no AMX here: " + AmxMatMul.unavailableReason());
        // every product adds 32 to the element returned, one product of the four per round
        assertEquals(32f, AmxMatMul.tileLoop(1));
        assertEquals(32f * 1_000, AmxMatMul.tileLoop(1_000));
        assertEquals(32f * 400_000, AmxMatMul.tileLoop(400_000));
    }

    @Test
    void tileLoopRefusesRoundsItCannotCountExactly() {
        assumeTrue(AmxMatMul.available(), () -> "no AMX here: " + AmxMatMul.unavailableReason());
        assertThrows(IllegalArgumentException.class, () -> AmxMatMul.tileLoop(0));
        assertThrows(IllegalArgumentException.class, () -> AmxMatMul.tileLoop(1 << 19));
    }

    @Test
    void ceilingsArePositiveRates() {
        double fma = FmaCeiling.gflops(1);
        assertTrue(fma > 0 && Double.isFinite(fma), "FMA ceiling " + fma);
        assumeTrue(AmxMatMul.available(), () -> "no AMX here: " + AmxMatMul.unavailableReason());
        double one = AmxCeiling.bf16Gflops(1);
        double two = AmxCeiling.bf16Gflops(2);
        assertTrue(one > 0 && Double.isFinite(one), "AMX ceiling on 1 thread " + one);
        assertTrue(two > 0 && Double.isFinite(two), "AMX ceiling on 2 threads " + two);
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
