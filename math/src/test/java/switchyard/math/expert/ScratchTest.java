package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import switchyard.math.testing.ThreadAllocation;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.linalg.MatMuls;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The experts' working matrices are pooled, not per thread: which dispatcher thread runs an
 * expert must not decide whether a step allocates.
 */
class ScratchTest {
    private static final int ROWS = 400, M = 64, H = 512;

    @Test
    void aThreadThatNeverRanAnExpertFindsTheMatricesAlreadyGrown() throws InterruptedException {
        Assumptions.assumeTrue(ThreadAllocation.counted(), "this JVM does not count allocation per thread");
        Scratch warm = Scratch.take();
        shape(warm);
        warm.release();

        AtomicLong allocated = new AtomicLong(-1);
        Thread fresh = new Thread(() -> {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            Scratch s = Scratch.take();
            shape(s);
            s.release();
            allocated.set(threads.getCurrentThreadAllocatedBytes() - before);
        });
        fresh.start();
        fresh.join(60_000);
        assertTrue(allocated.get() >= 0, "the thread did not finish");
        long oneSet = 4L * ROWS * (H + 3 * M);
        assertTrue(allocated.get() < oneSet / 100, "a new thread allocated " + allocated.get() + " bytes; one set of matrices is " + oneSet);
    }

    @Test
    void callsAtOnceGetSetsOfTheirOwnAndTheLastReturnedComesFirst() {
        Scratch a = Scratch.take(), b = Scratch.take();
        assertNotSame(a, b);
        a.release();
        b.release();
        assertSame(b, Scratch.take(), "the set released last is warm in cache");
        b.release();
    }

    @Test
    void anExpertsCallsGiveBackEverySetTheyTake() {
        SplittableRandom random = new SplittableRandom(7);
        List<Expert> experts = new ArrayList<>();
        for (int l = 0; l < 2; l++) experts.add(Expert.initialised(M, H, random));
        ExpertShard shard = new ExpertShard(0, experts);
        List<ExpertRows> blocks = List.of(rows(random, 30, 12), rows(random, 5, 40));
        ExpertShard.Pass pass = new ExpertShard.Pass();
        shard.forward(blocks, pass, MatMuls.ejml()); // takes a set if none is idle
        int idle = Scratch.idle();
        shard.forward(blocks, pass, MatMuls.ejml());
        shard.backward(pass, List.of(rows(random, 30, 12), rows(random, 5, 40)), shard.newGrads(), MatMuls.ejml());
        assertEquals(idle, Scratch.idle());
    }

    private static void shape(Scratch s) {
        s.hiddenGradient(ROWS, H);
        s.expertOutput(ROWS, M);
        s.outputGradient(ROWS, M);
        s.inputGradient(ROWS, M);
    }

    private static ExpertRows rows(SplittableRandom random, int... counts) {
        int n = 0;
        for (int c : counts) n += c;
        FMatrixRMaj m = new FMatrixRMaj(n, M);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return new ExpertRows(m, counts.clone());
    }
}
