package switchyard.math.gate;

/** How a token's combine weights are made from the scores of its choices. */
public enum WeightNormalization {
    /** The scores themselves. */
    NONE,
    /** GShard: divided by the sum over the kept choices (dropped ones weigh 0 and do not count). */
    KEPT,
    /**
     * DeepSeek-V3: divided by the sum over all k chosen experts, before capacity; a dropped choice
     * still counts in the sum, and the kept weights are not renormalised after drops.
     */
    CHOSEN
}
