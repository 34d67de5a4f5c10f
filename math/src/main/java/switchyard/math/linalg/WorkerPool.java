package switchyard.math.linalg;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Daemon workers that help whichever products are running, within a budget of busy threads.
 *
 * <p>Several threads may multiply at once (one rank actor each, in a simulation). Every caller
 * runs its own product's parts and counts as busy while inside a product; a worker claims a part
 * only while fewer than {@code budget} threads are busy. So two ranks computing at once on two
 * cores each run alone, and when one of them waits for messages the worker moves in to help the
 * other, without ever running more compute threads than the budget.
 *
 * <p>Hand-off is a volatile slot array plus park/unpark: running a stage allocates nothing.
 *
 * <p>Public only as the pool {@link PooledMatMul#product} is given: a kernel in another package
 * asks it {@link #threadsFree} and passes it on to {@link Stage#runOn} and {@link VectorMatMul#run}.
 */
public final class WorkerPool {

    private static final ConcurrentMap<Integer, WorkerPool> SHARED = new ConcurrentHashMap<>();
    /** Stages open at once; a caller that finds no free slot simply runs its stage alone. */
    private static final int SLOTS = 16;

    private final int budget;
    private final Worker[] workers;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicReferenceArray<Stage> open = new AtomicReferenceArray<>(SLOTS);

    private WorkerPool(int budget) {
        this.budget = budget;
        workers = new Worker[budget - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** The process-wide pool for {@code threads} busy threads (callers plus threads − 1 workers). */
    static WorkerPool shared(int threads) {
        if (threads < 2) {
            throw new IllegalArgumentException("a pool needs at least 2 threads, got " + threads);
        }
        return SHARED.computeIfAbsent(threads, WorkerPool::new);
    }

    /** Busy threads allowed at once, callers included. */
    int budget() {
        return budget;
    }

    /**
     * Threads that could work on a product the calling thread (already {@link #enter}ed) starts
     * now: itself plus the budget no one else is using. A guess, since others come and go.
     */
    public int threadsFree() {
        return Math.max(1, budget - busy.get() + 1);
    }

    /** The calling thread starts work that may {@link #run} stages; pair with {@link #leave}. */
    void enter() {
        busy.incrementAndGet();
    }

    /** The calling thread is done: idle workers may now help others' stages. */
    void leave() {
        busy.decrementAndGet();
        wakeWorkers();
    }

    /**
     * Runs all {@code parts} parts of {@code stage}: the caller claims parts itself while idle
     * workers join within the budget, and returns once every part is done (rethrowing the first
     * failure). Call between {@link #enter} and {@link #leave}.
     */
    void run(Stage stage, int parts) {
        stage.arm(parts);
        int slot = publish(stage);
        if (slot >= 0) {
            wakeWorkers();
        }
        try {
            while (stage.runOne()) {
                // the caller keeps claiming until every part is taken
            }
        } finally {
            if (slot >= 0) {
                open.set(slot, null);
            }
        }
        stage.awaitDone(parts);
    }

    private int publish(Stage stage) {
        for (int i = 0; i < SLOTS; i++) {
            if (open.get(i) == null && open.compareAndSet(i, null, stage)) {
                return i;
            }
        }
        return -1;
    }

    private void wakeWorkers() {
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** An open stage with unclaimed parts, or null. */
    private Stage work() {
        for (int i = 0; i < SLOTS; i++) {
            Stage s = open.get(i);
            if (s != null && s.hasWork()) {
                return s;
            }
        }
        return null;
    }

    private final class Worker extends Thread {
        Worker(int index) {
            super("switchyard-matmul-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Stage stage = busy.get() < budget ? work() : null;
                if (stage == null) {
                    LockSupport.park(this);
                    continue;
                }
                busy.incrementAndGet();
                try {
                    stage.runOne();
                } finally {
                    busy.decrementAndGet();
                }
            }
        }
    }
}
