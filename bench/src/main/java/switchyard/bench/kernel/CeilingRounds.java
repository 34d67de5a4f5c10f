package switchyard.bench.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The best rate of a loop that runs on registers alone, on several threads started together: what
 * the cores give right now. Best of a few rounds, since a neighbour's burst only ever slows one.
 * Public for the ceilings of kernels in other modules (the native module's tile loop).
 */
public final class CeilingRounds {

    private static final int ROUNDS = 5;

    /** One run of the loop on the calling thread; returns the floating-point operations it did. */
    public interface Loop {
        double run();
    }

    private CeilingRounds() {
    }

    /**
     * GFLOP/s summed over {@code threads} threads running {@code loop} at once, best of a few
     * rounds; a loop's exception is rethrown here.
     */
    public static double bestGflops(int threads, Loop loop) {
        double best = 0;
        for (int round = 0; round < ROUNDS; round++) {
            best = Math.max(best, round(threads, loop));
        }
        return best;
    }

    private static double round(int threads, Loop loop) {
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        double[] flops = new double[threads];
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    flops[index] = loop.run();
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                }
            });
            workers[t].start();
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        long elapsed = System.nanoTime() - begin;
        if (failed.get() != null) {
            throw failed.get();
        }
        double sum = 0;
        for (double f : flops) {
            sum += f;
        }
        return sum / elapsed;
    }
}
