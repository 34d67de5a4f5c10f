package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    /** A stage whose parts run the given action. */
    private static Stage stage(IntConsumer action) {
        return new Stage() {
            @Override
            protected void runPart(int part) {
                action.accept(part);
            }
        };
    }

    private static void runAlone(WorkerPool pool, Stage stage, int parts) {
        pool.enter();
        try {
            pool.run(stage, parts);
        } finally {
            pool.leave();
        }
    }

    @Test
    void everyPartRunsExactlyOnceAcrossReuses() {
        WorkerPool pool = WorkerPool.shared(3);
        AtomicIntegerArray[] runs = new AtomicIntegerArray[1];
        Stage stage = stage(part -> runs[0].incrementAndGet(part));
        for (int round = 0; round < 300; round++) {
            int parts = 1 + round % 37;
            runs[0] = new AtomicIntegerArray(parts);
            runAlone(pool, stage, parts);
            for (int p = 0; p < parts; p++) {
                assertEquals(1, runs[0].get(p), "round " + round + ": part " + p + " of " + parts);
            }
        }
    }

    @Test
    void anIdleWorkerHelpsTheOnlyBusyCaller() {
        WorkerPool pool = WorkerPool.shared(2);
        // Each part waits until the other has started: that only ends if two threads run them at once.
        CountDownLatch bothStarted = new CountDownLatch(2);
        AtomicReferenceArray<Thread> ranOn = new AtomicReferenceArray<>(2);
        Stage stage = stage(part -> {
            ranOn.set(part, Thread.currentThread());
            bothStarted.countDown();
            try {
                assertTrue(bothStarted.await(30, TimeUnit.SECONDS), "no worker joined the caller");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        runAlone(pool, stage, 2);
        assertNotSame(ranOn.get(0), ranOn.get(1));
        assertTrue(ranOn.get(0) == Thread.currentThread() || ranOn.get(1) == Thread.currentThread(), "the caller ran a part");
    }

    @Test
    void aFailingPartIsRethrownToTheCallerAndThePoolStaysUsable() {
        WorkerPool pool = WorkerPool.shared(2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> runAlone(pool, stage(part -> {
                    if (part == 3) {
                        throw new IllegalStateException("boom in part 3");
                    }
                }), 8));
        assertEquals("boom in part 3", e.getMessage());
        AtomicIntegerArray ran = new AtomicIntegerArray(4);
        runAlone(pool, stage(ran::incrementAndGet), 4);
        for (int p = 0; p < 4; p++) {
            assertEquals(1, ran.get(p));
        }
    }

    @Test
    void concurrentCallersEachCompleteTheirOwnStages() throws Exception {
        WorkerPool pool = WorkerPool.shared(2);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] done = new Future<?>[3];
            for (int c = 0; c < 3; c++) {
                int caller = c;
                done[c] = callers.submit(() -> {
                    AtomicIntegerArray[] runs = new AtomicIntegerArray[1];
                    Stage stage = stage(part -> runs[0].incrementAndGet(part));
                    for (int round = 0; round < 200; round++) {
                        int parts = 2 + (round + caller) % 11;
                        runs[0] = new AtomicIntegerArray(parts);
                        runAlone(pool, stage, parts);
                        for (int p = 0; p < parts; p++) {
                            assertEquals(1, runs[0].get(p), "caller " + caller + " round " + round + " part " + p);
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aThreadThatEntersAgainIsCountedOnce() {
        WorkerPool pool = WorkerPool.shared(2);
        pool.enter();
        try {
            int free = pool.threadsFree();
            pool.enter(); // a product inside a task
            try {
                assertEquals(free, pool.threadsFree());
            } finally {
                pool.leave();
            }
            assertEquals(free, pool.threadsFree());
        } finally {
            pool.leave();
        }
    }

    /** A stage whose parts are whole tasks, like MatMul.runEach's. */
    private static Stage tasks(IntConsumer action) {
        return new Stage() {
            @Override
            protected void runPart(int part) {
                action.accept(part);
            }

            @Override
            protected boolean longParts() {
                return true;
            }
        };
    }

    @Test
    void aCallerWhoseTasksRanOutHelpsTheProductsOfTheTaskStillRunning() {
        WorkerPool pool = WorkerPool.shared(2);
        // The caller's task ends at once; the worker's runs a stage of many short parts, which the
        // caller, with nothing of its own left, should help with instead of waiting.
        Thread caller = Thread.currentThread();
        java.util.Set<Thread> helpers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch bothStarted = new CountDownLatch(2);
        Stage inner = stage(part -> {
            helpers.add(Thread.currentThread());
            long until = System.nanoTime() + 200_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        Stage outer = tasks(task -> {
            bothStarted.countDown();
            try {
                assertTrue(bothStarted.await(30, TimeUnit.SECONDS), "no worker joined the caller");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (Thread.currentThread() != caller) {
                pool.enter();
                try {
                    pool.run(inner, 2000);
                } finally {
                    pool.leave();
                }
            }
        });
        runAlone(pool, outer, 2);
        assertTrue(helpers.contains(caller), "the caller did not help: only " + helpers);
        assertEquals(2, helpers.size());
    }

    @Test
    void partCountsOutsideTheClaimWordAreRefused() {
        WorkerPool pool = WorkerPool.shared(2);
        Stage stage = stage(part -> { });
        assertThrows(IllegalArgumentException.class, () -> runAlone(pool, stage, 0));
        assertThrows(IllegalArgumentException.class, () -> runAlone(pool, stage, Stage.MAX_PARTS + 1));
    }
}
