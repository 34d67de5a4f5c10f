package switchyard.actors.sim;

import java.util.Locale;

/**
 * The expert time a routing-only run does not spend, estimated so that its step estimate reflects
 * where the rows went: the busiest rank's rows set the step. An expert is two products per row,
 * M×H and H×M, so a row costs {@code 2·(2·M·H) = 4·M·H} FLOPs forward and twice that backward
 * (the gradients of the input and of both weights): {@code 3·2·M·H·2 = 12·M·H} in all. The rate
 * is an <b>assumption</b> ({@code --expert-flops}), not a measurement; the estimate ignores
 * memory traffic, kernel launch and the activation between the products.
 *
 * @param modelDim    M
 * @param hiddenDim   H
 * @param flopsPerSecond the assumed sustained rate of one rank's experts; 0 leaves the experts out
 */
public record ExpertComputeEstimate(int modelDim, int hiddenDim, double flopsPerSecond) {
    /** The default assumption: 100 TFLOP/s, the order of a current accelerator's sustained bf16 products. */
    public static final double ASSUMED_FLOPS = 100e12;

    public ExpertComputeEstimate {
        if (!(flopsPerSecond >= 0) || Double.isInfinite(flopsPerSecond))
            throw new IllegalArgumentException("--expert-flops must be a finite number >= 0 (FLOP/s; 0: no expert estimate), got " + flopsPerSecond);
    }

    /** No estimate: the experts' phases stay empty, as routing-only runs had them before. */
    public static ExpertComputeEstimate none() {
        return new ExpertComputeEstimate(1, 1, 0);
    }

    public boolean isNone() { return flopsPerSecond == 0; }

    /** Forward FLOPs of one row: two products of 2·M·H each. */
    public double forwardFlopsPerRow() { return 4.0 * modelDim * hiddenDim; }

    public long forwardNanos(long rows) { return nanos(rows * forwardFlopsPerRow()); }

    /** Backward: twice the forward (input gradient and weight gradients of both products). */
    public long backwardNanos(long rows) { return nanos(rows * 2 * forwardFlopsPerRow()); }

    private long nanos(double flops) {
        return isNone() ? 0 : Math.round(flops / flopsPerSecond * 1e9);
    }

    public String describe() {
        if (isNone()) return "not run and not estimated (--expert-flops 0)";
        return String.format(Locale.ROOT, "not run; estimated as 12·M·H = %.3g FLOPs per received row at an ASSUMED %.3g FLOP/s "
                + "(--expert-flops), entered as the expert phases' times", 3 * forwardFlopsPerRow(), flopsPerSecond);
    }
}
