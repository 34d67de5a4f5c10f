package switchyard.math.linalg;

/**
 * Counts the floating-point work of the products run through a {@link MeteredMatMul} and the wall
 * time during which at least one of them was running. Overlapping products (two rank actors
 * multiplying at once) count their time once, so {@code flops / busyNanos} is the rate at which
 * the process multiplies while it multiplies: the figure to hold against an isolated benchmark.
 * Each product's own duration is summed too, so {@code callNanos / busyNanos} says how many ran at
 * once on average (two ranks multiplying side by side, each on one core, give about 2).
 */
public final class MatMulMeter {

    private static final MatMulMeter SHARED = new MatMulMeter();

    /** A cumulative reading; subtract two to measure an interval. */
    public record Reading(long products, double flops, long busyNanos, long callNanos) {
        public Reading since(Reading earlier) {
            return new Reading(products - earlier.products, flops - earlier.flops, busyNanos - earlier.busyNanos,
                    callNanos - earlier.callNanos);
        }

        /** Products running at once, on average over the time at least one was; 0 when nothing ran. */
        public double productsAtOnce() {
            return busyNanos == 0 ? 0 : (double) callNanos / busyNanos;
        }

        /** GFLOP/s while at least one product was running; 0 when nothing ran. */
        public double gflopsWhileBusy() {
            return busyNanos == 0 ? 0 : flops / busyNanos;
        }
    }

    private long products;
    private double flops;
    private long busyNanos;
    private long callNanos;
    private int running;
    private long busySince;

    /** The process-wide meter behind {@code MatMuls.byName("metered:…")}. */
    public static MatMulMeter shared() {
        return SHARED;
    }

    public synchronized Reading read() {
        long now = System.nanoTime();
        return new Reading(products, flops, busyNanos + (running > 0 ? now - busySince : 0), callNanos);
    }

    /** A product starts; returns its start time for {@link #end}. */
    synchronized long begin() {
        long now = System.nanoTime();
        if (running++ == 0) {
            busySince = now;
        }
        return now;
    }

    synchronized void end(double productFlops, long startedAt) {
        long now = System.nanoTime();
        products++;
        flops += productFlops;
        callNanos += now - startedAt;
        if (--running == 0) {
            busyNanos += now - busySince;
        }
    }
}
