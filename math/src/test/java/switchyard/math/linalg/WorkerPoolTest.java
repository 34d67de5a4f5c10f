package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEachPartOnceOnDistinctThreadsWithPartZeroOnTheCaller() {
        WorkerPool pool = WorkerPool.shared(3);
        for (int round = 0; round < 50; round++) {
            AtomicReferenceArray<Thread> ranOn = new AtomicReferenceArray<>(3);
            assertTrue(pool.tryRun(part -> assertTrue(ranOn.compareAndSet(part, null, Thread.currentThread()),
                    "part " + part + " ran twice"), 3));
            assertSame(Thread.currentThread(), ranOn.get(0));
            assertNotSame(ranOn.get(1), ranOn.get(2));
            assertNotSame(Thread.currentThread(), ranOn.get(1));
            assertTrue(ranOn.get(1).isDaemon() && ranOn.get(2).isDaemon());
        }
    }

    @Test
    void aFailingPartIsRethrownToTheCallerAndThePoolStaysUsable() {
        WorkerPool pool = WorkerPool.shared(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.tryRun(part -> {
            if (part == 1) {
                throw new IllegalStateException("boom in part 1");
            }
        }, 2));
        assertEquals("boom in part 1", e.getMessage());
        int[] ran = new int[2];
        assertTrue(pool.tryRun(part -> ran[part]++, 2));
        assertEquals(1, ran[0]);
        assertEquals(1, ran[1]);
    }

    @Test
    void aBusyPoolDeclinesInsteadOfBlocking() {
        WorkerPool pool = WorkerPool.shared(2);
        boolean[] nested = new boolean[1];
        assertTrue(pool.tryRun(part -> {
            if (part == 0) {
                nested[0] = pool.tryRun(inner -> { }, 1);
            }
        }, 2));
        assertEquals(false, nested[0], "the pool was busy with the outer task");
    }
}
