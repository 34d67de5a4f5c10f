package switchyard.math.gate;

/**
 * How tokens are routed. {@link #reference()} is exactly the reference semantics (top-2, capacity
 * {@code 2·S/E}, Gumbel second choice, {@code l_aux} weight 1, no z-loss); every generalisation is
 * off by default and turned on through {@link #builder()}.
 *
 * @param topK                number of experts per token (k)
 * @param capacityFactor      null: capacity {@code k·S/E} (integer division, the reference rule);
 *                            otherwise {@code max(ceil(k·cf·S/E), minCapacity)}
 * @param evalCapacityFactor  capacity factor used when not training; null = same as training
 * @param minCapacity         lower bound on the capacity
 * @param fixedCapacity       explicit capacity per expert per rank, overriding the factors; null = none
 * @param dropless            no capacity limit: no token is ever dropped
 * @param noise               noise policy
 * @param jitterEps           half-width of the multiplicative jitter for {@link NoisePolicy#JITTER}
 * @param auxLossWeight       weight of {@code l_aux} in the loss
 * @param auxLossScaleBySquaredExperts multiply {@code l_aux} by {@code E²} (Switch/DeepSpeed convention)
 * @param zLossWeight         weight of the router z-loss {@code mean_s(logsumexp(logits_s)²)}
 * @param randomTokenPriority tokens claim slots in a random order (seeded) instead of token order
 * @param normalizeWeights    for k ≥ 2, divide the kept gates by their sum (GShard); top-1 always uses the raw gate
 */
public record RoutingOptions(
        int topK,
        Double capacityFactor,
        Double evalCapacityFactor,
        int minCapacity,
        Integer fixedCapacity,
        boolean dropless,
        NoisePolicy noise,
        float jitterEps,
        float auxLossWeight,
        boolean auxLossScaleBySquaredExperts,
        float zLossWeight,
        boolean randomTokenPriority,
        boolean normalizeWeights) {

    public RoutingOptions {
        if (topK < 1) throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        checkFactor("capacityFactor", capacityFactor);
        checkFactor("evalCapacityFactor", evalCapacityFactor);
        if (minCapacity < 0) throw new IllegalArgumentException("minCapacity must be >= 0, got " + minCapacity);
        if (fixedCapacity != null && fixedCapacity < 0)
            throw new IllegalArgumentException("capacity must be >= 0, got " + fixedCapacity);
        if (noise == null) throw new IllegalArgumentException("noise policy must not be null");
        if (!(jitterEps >= 0f && jitterEps < 1f))
            throw new IllegalArgumentException("jitterEps must be in [0, 1), got " + jitterEps);
        if (!Float.isFinite(auxLossWeight) || auxLossWeight < 0)
            throw new IllegalArgumentException("auxLossWeight must be finite and >= 0, got " + auxLossWeight);
        if (!Float.isFinite(zLossWeight) || zLossWeight < 0)
            throw new IllegalArgumentException("zLossWeight must be finite and >= 0, got " + zLossWeight);
    }

    private static void checkFactor(String name, Double value) {
        if (value != null && !(value > 0 && Double.isFinite(value)))
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
    }

    /** The reference semantics (DESIGN.md §1). */
    public static RoutingOptions reference() {
        return new RoutingOptions(2, null, null, 0, null, false, NoisePolicy.GUMBEL, 0.01f, 1f, false, 0f, false, true);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from {@link #reference()}. */
    public static Builder builder() {
        return reference().toBuilder();
    }

    /** Mutable staging for options; {@link #build()} validates. */
    public static final class Builder {
        private int topK;
        private Double capacityFactor;
        private Double evalCapacityFactor;
        private int minCapacity;
        private Integer fixedCapacity;
        private boolean dropless;
        private NoisePolicy noise;
        private float jitterEps;
        private float auxLossWeight;
        private boolean auxLossScaleBySquaredExperts;
        private float zLossWeight;
        private boolean randomTokenPriority;
        private boolean normalizeWeights;

        private Builder(RoutingOptions o) {
            topK = o.topK; capacityFactor = o.capacityFactor; evalCapacityFactor = o.evalCapacityFactor;
            minCapacity = o.minCapacity; fixedCapacity = o.fixedCapacity; dropless = o.dropless; noise = o.noise;
            jitterEps = o.jitterEps; auxLossWeight = o.auxLossWeight;
            auxLossScaleBySquaredExperts = o.auxLossScaleBySquaredExperts; zLossWeight = o.zLossWeight;
            randomTokenPriority = o.randomTokenPriority; normalizeWeights = o.normalizeWeights;
        }

        public Builder topK(int k) { topK = k; return this; }
        public Builder capacityFactor(Double cf) { capacityFactor = cf; return this; }
        public Builder evalCapacityFactor(Double cf) { evalCapacityFactor = cf; return this; }
        public Builder minCapacity(int min) { minCapacity = min; return this; }
        public Builder fixedCapacity(Integer capacity) { fixedCapacity = capacity; return this; }
        public Builder dropless(boolean on) { dropless = on; return this; }
        public Builder noise(NoisePolicy policy) { noise = policy; return this; }
        public Builder jitterEps(float eps) { jitterEps = eps; return this; }
        public Builder auxLossWeight(float weight) { auxLossWeight = weight; return this; }
        public Builder auxLossScaleBySquaredExperts(boolean on) { auxLossScaleBySquaredExperts = on; return this; }
        public Builder zLossWeight(float weight) { zLossWeight = weight; return this; }
        public Builder randomTokenPriority(boolean on) { randomTokenPriority = on; return this; }
        public Builder normalizeWeights(boolean on) { normalizeWeights = on; return this; }

        public RoutingOptions build() {
            return new RoutingOptions(topK, capacityFactor, evalCapacityFactor, minCapacity, fixedCapacity, dropless,
                    noise, jitterEps, auxLossWeight, auxLossScaleBySquaredExperts, zLossWeight, randomTokenPriority,
                    normalizeWeights);
        }
    }

    /** Whether the combine weights are renormalised over the kept choices. */
    public boolean renormalises() {
        return normalizeWeights && topK > 1;
    }

    /** The coefficient of the raw {@code l_aux} in the loss for {@code experts} experts. */
    public float auxLossCoefficient(int experts) {
        return auxLossScaleBySquaredExperts ? auxLossWeight * experts * (float) experts : auxLossWeight;
    }

    /**
     * Slots per expert for a rank holding {@code tokens} tokens and {@code experts} experts.
     * Dropless returns {@code tokens}: an expert can never receive more than one assignment per token.
     */
    public int capacity(int tokens, int experts, boolean training) {
        if (dropless) return tokens;
        if (fixedCapacity != null) return fixedCapacity;
        Double cf = training || evalCapacityFactor == null ? capacityFactor : evalCapacityFactor;
        if (cf == null) return Math.max((int) ((long) topK * tokens / experts), minCapacity);
        return Math.max((int) Math.ceil(topK * cf * tokens / experts), minCapacity);
    }
}
