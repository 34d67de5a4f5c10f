package switchyard.actors.rank;

import switchyard.actors.protocol.Phase;

import java.util.function.Supplier;

/**
 * The wall time one step spent in each {@link Phase} on one rank. A gather's clock runs while the
 * rank waits for its peers and stops while the rank computes, so a report never blames the network
 * for the rank's own work.
 */
final class PhaseClock {
    private final long[] nanos = new long[Phase.values().length];
    private final long[] started = new long[Phase.values().length];

    void begin(Phase p) {
        started[p.ordinal()] = System.nanoTime();
    }

    void end(Phase p) {
        nanos[p.ordinal()] += System.nanoTime() - started[p.ordinal()];
    }

    /** Adds time measured elsewhere (by the gate actor). */
    void add(Phase p, long n) {
        nanos[p.ordinal()] += n;
    }

    /**
     * Runs this rank's own work timed as {@code doing}, with the clock of the gather it happens
     * during ({@code waiting}, or null) stopped meanwhile.
     */
    <T> T timed(Phase doing, Phase waiting, Supplier<T> work) {
        if (waiting != null) end(waiting);
        begin(doing);
        try {
            return work.get();
        } finally {
            end(doing);
            if (waiting != null) begin(waiting);
        }
    }

    /** Nanoseconds per phase, by ordinal: the report's own array. */
    long[] nanos() {
        return nanos;
    }
}
