package switchyard.math.gate;

/**
 * Auxiliary-loss-free balancing (Wang et al., 2024; DeepSeek-V3): after every update each expert's
 * selection bias moves by γ towards balance: up when the expert was chosen less than the mean over
 * all experts, down when more, not at all when exactly at the mean. The loads are the selections
 * (before capacity) of every rank's tokens, so every replica applies the very same step.
 */
public final class SelectionBias {
    private SelectionBias() {}

    /**
     * {@code sign(mean − load_e)} per expert, computed exactly in integers as
     * {@code sign(Σ loads − E·load_e)}.
     */
    public static int[] signs(long[] loads) {
        long total = 0;
        for (long l : loads) total += l;
        int[] signs = new int[loads.length];
        for (int e = 0; e < loads.length; e++) signs[e] = Long.signum(total - loads.length * loads[e]);
        return signs;
    }

    /** {@code bias_e += γ · sign(mean − load_e)}, in place. */
    public static void update(float[] bias, long[] loads, float gamma) {
        if (bias.length != loads.length)
            throw new IllegalArgumentException("loads of " + loads.length + " experts for a bias over " + bias.length);
        int[] signs = signs(loads);
        for (int e = 0; e < bias.length; e++) bias[e] += gamma * signs[e];
    }
}
