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
 * <p>A thread counts once however deeply it enters: a product inside a task of
 * {@link MatMul#runEach} runs on a thread already counted for the task. A caller whose stage's
 * parts are whole tasks does not sit idle while the last of them finish on other threads: it helps
 * the products inside them, part by part, so a pass of tasks ends with every thread at work.
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
    /** Callers waiting for their tasks while helping others' products; woken, like the workers, when a stage opens. */
    private final AtomicReferenceArray<Thread> helpers = new AtomicReferenceArray<>(SLOTS);
    /** Per thread: {@link #enter} calls not yet left, so that a thread entering again is not counted twice. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

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

    /**
     * The calling thread starts work that may {@link #run} stages; pair with {@link #leave}. A
     * thread already counted (entered, or a worker running a part) is not counted again.
     */
    void enter() {
        if (depth.get()[0]++ == 0) {
            busy.incrementAndGet();
        }
    }

    /** The calling thread is done: idle workers may now help others' stages. */
    void leave() {
        if (--depth.get()[0] == 0) {
            busy.decrementAndGet();
            wakeWorkers();
        }
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
            if (stage.longParts()) {
                helpUntilDone(stage, parts);
            }
        } finally {
            if (slot >= 0) {
                open.set(slot, null);
            }
        }
        stage.awaitDone(parts);
    }

    /**
     * While other threads finish the last tasks of {@code stage}, runs parts of the products open
     * meanwhile (theirs, mostly): those tasks then end sooner than on their thread alone. Parks when
     * there is nothing to help; a stage opening, or the last part of {@code stage}, wakes it.
     */
    private void helpUntilDone(Stage stage, int parts) {
        int slot = -1;
        try {
            while (!stage.isDone(parts)) {
                Stage other = work(false);
                if (other != null) {
                    other.runOne();
                    continue;
                }
                if (slot < 0) {
                    slot = register();
                    if (slot < 0) {
                        return; // no slot to be woken through: wait as usual
                    }
                    continue; // look once more, now that a stage opening wakes this thread
                }
                LockSupport.park(this);
            }
        } finally {
            if (slot >= 0) {
                helpers.set(slot, null);
            }
        }
    }

    private int register() {
        Thread me = Thread.currentThread();
        for (int i = 0; i < SLOTS; i++) {
            if (helpers.get(i) == null && helpers.compareAndSet(i, null, me)) {
                return i;
            }
        }
        return -1;
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
        for (int i = 0; i < SLOTS; i++) {
            Thread h = helpers.get(i);
            if (h != null) {
                LockSupport.unpark(h);
            }
        }
    }

    /** An open stage with unclaimed parts (only short ones unless {@code tasks}), or null. */
    private Stage work(boolean tasks) {
        for (int i = 0; i < SLOTS; i++) {
            Stage s = open.get(i);
            if (s != null && s.hasWork() && (tasks || !s.longParts())) {
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
                Stage stage = busy.get() < budget ? work(true) : null;
                if (stage == null) {
                    LockSupport.park(this);
                    continue;
                }
                busy.incrementAndGet();
                int[] entered = depth.get();
                entered[0] = 1; // the products of a task part are already counted
                try {
                    stage.runOne();
                } finally {
                    entered[0] = 0;
                    busy.decrementAndGet();
                }
            }
        }
    }
}
