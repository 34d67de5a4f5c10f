package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** After a parameter's first step, further steps must not allocate (they run every micro-batch). */
class SteadyStateAllocationTest {

    @Test
    void stepsAllocateNothingOnceWarm() {
        var threads = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        var counter = (com.sun.management.ThreadMXBean) threads;
        List<Param> params = List.of(TestParams.matrix("w", 8, 8), TestParams.matrix("b", 1, 8));
        for (Optimizer opt : List.of(new Sgd(new Sgd.Config(0.01, 0.9, 1e-4, true)), new Adam(0.01))) {
            for (int i = 0; i < 1_000; i++) { // first sight allocates the state buffers
                opt.step(params);
            }
            long id = Thread.currentThread().getId();
            long before = counter.getThreadAllocatedBytes(id);
            for (int i = 0; i < 10_000; i++) {
                opt.step(params);
            }
            long allocated = counter.getThreadAllocatedBytes(id) - before;
            // Slack for the counter itself and JIT bookkeeping; one object per step would be >= 160 kB.
            assertTrue(allocated < 4_096, opt.describe() + " allocated " + allocated + " bytes in 10000 steps");
        }
    }
}
