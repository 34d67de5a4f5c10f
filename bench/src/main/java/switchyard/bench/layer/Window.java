package switchyard.bench.layer;

/**
 * How long a bench figure is measured: at least {@code leastSteps} steps and at least
 * {@code leastNanos} of them. A small step takes a few milliseconds, and a window of a few such
 * steps is so short that one pause of the machine decides the figure.
 */
public record Window(int leastSteps, long leastNanos) {
    public Window {
        if (leastSteps < 1) throw new IllegalArgumentException("a bench window needs at least 1 step, got " + leastSteps);
        if (leastNanos < 0) throw new IllegalArgumentException("a bench window cannot last less than nothing: " + leastNanos + " ns");
    }

    /** Runs {@code step} once, outside any figure, and returns the steps to measure at its pace. */
    public int stepsTimed(Runnable step) {
        long start = System.nanoTime();
        step.run();
        return steps(System.nanoTime() - start);
    }

    /** Steps to measure when one step takes about {@code nanosPerStep}: enough for both bounds. */
    public int steps(double nanosPerStep) {
        if (!(nanosPerStep > 0)) return leastSteps;
        return (int) Math.max(leastSteps, Math.min(Integer.MAX_VALUE, Math.ceil(leastNanos / nanosPerStep)));
    }
}
