package switchyard.math.linalg;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Numbered, independent parts that any participating thread may claim, each exactly once. One
 * instance is re-armed for every use, so a product allocates nothing per stage.
 *
 * <p>The claim word packs {@code generation | parts | next part}. A worker that read the word of an
 * earlier use can never claim: its compare-and-set fails because the generation moved on, and the
 * part count it compares against comes from the same word, never from a field being rewritten.
 * The owner rewrites the fields that parts read only after every part of the previous use is done.
 *
 * <p>Public so that a kernel in another package shares its work out the way this package's do:
 * it supplies {@link #runPart} and calls {@link #runOn}.
 */
public abstract class Stage {

    private static final int PART_BITS = 20;
    private static final long PART_MASK = (1L << PART_BITS) - 1;
    /** Most parts one use can have. */
    static final int MAX_PARTS = (int) PART_MASK;
    /** Spins before parking while waiting for parts: most finish within microseconds of each other. */
    private static final int SPINS = 1 << 14;

    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Thread owner;
    private volatile Throwable failure;

    /** Work for part {@code part} of the current use. */
    protected abstract void runPart(int part);

    /**
     * True when each part is a whole task of many products ({@link MatMul#runEach}) rather than a
     * piece of one product: a caller waiting for its own stage helps other stages only with short
     * parts, so that it returns soon after its own are done.
     */
    protected boolean longParts() {
        return false;
    }

    /** Opens a new use with {@code parts} parts, owned by the calling thread. */
    final void arm(int parts) {
        if (parts < 1 || parts > MAX_PARTS) {
            throw new IllegalArgumentException("parts " + parts + " outside 1.." + MAX_PARTS);
        }
        failure = null;
        done.set(0);
        owner = Thread.currentThread();
        long generation = (claim.get() >>> (2 * PART_BITS)) + 1;
        claim.set(generation << (2 * PART_BITS) | (long) parts << PART_BITS);
    }

    /** True while some part of the current use is unclaimed. */
    final boolean hasWork() {
        long v = claim.get();
        return (v & PART_MASK) < ((v >>> PART_BITS) & PART_MASK);
    }

    /** Claims the next part and runs it; false when every part is already claimed. */
    final boolean runOne() {
        while (true) {
            long v = claim.get();
            long next = v & PART_MASK;
            long parts = (v >>> PART_BITS) & PART_MASK;
            if (next >= parts) {
                return false;
            }
            if (claim.compareAndSet(v, v + 1)) {
                try {
                    runPart((int) next);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
                if (done.incrementAndGet() == parts) {
                    LockSupport.unpark(owner);
                }
                return true;
            }
        }
    }

    /** True once all {@code parts} parts of the current use are done. */
    final boolean isDone(int parts) {
        return done.get() >= parts;
    }

    /** Owner only: waits until all {@code parts} parts are done, then rethrows the first failure. */
    final void awaitDone(int parts) {
        for (int spin = 0; done.get() < parts; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        Throwable failed = failure;
        if (failed instanceof RuntimeException) {
            throw (RuntimeException) failed;
        }
        if (failed instanceof Error) {
            throw (Error) failed;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    /** Runs all {@code parts} parts with {@code pool}'s help, or here when there is no pool or only one part. */
    public final void runOn(WorkerPool pool, int parts) {
        if (pool == null || parts == 1) {
            runAllHere(parts);
        } else {
            pool.run(this, parts);
        }
    }

    /** Runs every part on the calling thread, in order (no pool, or nothing to share). */
    final void runAllHere(int parts) {
        for (int p = 0; p < parts; p++) {
            runPart(p);
        }
    }
}
