package switchyard.math.linalg;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that run the parts of one task at a time, the caller running
 * part 0 itself. Hand-off is a volatile slot per worker plus park/unpark, so running a task
 * allocates nothing (an executor would allocate a future per submission).
 *
 * <p>One task at a time: a caller that finds the pool busy gets {@code false} from
 * {@link #tryRun} and runs the task inline instead. When several threads multiply at once the
 * cores are already busy, so waiting for the pool would only add latency.
 */
final class WorkerPool {

    /** Work that can be cut into numbered parts, each independent of the others. */
    interface Task {
        void runPart(int part);
    }

    private static final ConcurrentMap<Integer, WorkerPool> SHARED = new ConcurrentHashMap<>();
    /** Spins before parking while waiting for workers: most parts finish within microseconds of each other. */
    private static final int SPINS = 1 << 14;

    private final Worker[] workers;
    /** Not a reentrant lock: a part that multiplies again must get false and run inline. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile Throwable failure;

    private WorkerPool(int threads) {
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** The process-wide pool that runs tasks on {@code threads} threads (the caller plus threads − 1 workers). */
    static WorkerPool shared(int threads) {
        if (threads < 2) {
            throw new IllegalArgumentException("a pool needs at least 2 threads, got " + threads);
        }
        return SHARED.computeIfAbsent(threads, WorkerPool::new);
    }

    /** Threads a task can use, counting the caller. */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs parts {@code 0..parts-1} of {@code task} (parts ≤ {@link #threads()}), part 0 on the
     * calling thread, and returns once all are done; false, having run nothing, if the pool is busy.
     */
    boolean tryRun(Task task, int parts) {
        if (parts < 1 || parts > threads()) {
            throw new IllegalArgumentException("parts " + parts + " outside 1.." + threads());
        }
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            caller = Thread.currentThread();
            failure = null;
            pending.set(parts - 1);
            for (int i = 0; i < parts - 1; i++) {
                workers[i].assign(task);
            }
            Throwable own = null;
            try {
                task.runPart(0);
            } catch (Throwable t) {
                own = t;
            }
            awaitWorkers();
            Throwable failed = own != null ? own : failure;
            if (failed instanceof RuntimeException) {
                throw (RuntimeException) failed;
            }
            if (failed instanceof Error) {
                throw (Error) failed;
            }
            if (failed != null) {
                throw new IllegalStateException(failed);
            }
            return true;
        } finally {
            caller = null;
            busy.set(false);
        }
    }

    private void awaitWorkers() {
        for (int spin = 0; pending.get() > 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private final class Worker extends Thread {
        private final int part;
        private volatile Task slot;

        Worker(int part) {
            super("switchyard-matmul-" + part);
            this.part = part;
            setDaemon(true);
        }

        void assign(Task task) {
            slot = task;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Task task = slot;
                if (task == null) {
                    LockSupport.park(this);
                    continue;
                }
                try {
                    task.runPart(part);
                } catch (Throwable t) {
                    failure = t;
                }
                slot = null;
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
