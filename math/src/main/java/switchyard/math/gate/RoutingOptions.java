package switchyard.math.gate;

/**
 * How tokens are routed. {@link #reference()} is exactly the reference semantics (top-2, capacity
 * {@code 2·S/E}, Gumbel second choice, {@code l_aux} weight 1, no z-loss); every generalisation is
 * off by default and turned on through {@link #builder()}.
 *
 * <p>Two families share these options. GShard-style routing (the default) scores with softmax and
 * takes later choices from {@code logits + noise}. DeepSeek-V3-style routing (sigmoid scores, a
 * selection bias, group-limited selection) picks the top k of the scores plus the bias,
 * deterministically. Expert choice lets each expert pick its tokens instead.
 *
 * @param topK                number of experts per token (k); token choice only
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
 * @param score               how logits become scores
 * @param routeScale          every combine weight is multiplied by it
 * @param normTopK            divide the scores of the k chosen experts by their sum, before capacity
 *                            (DeepSeek-V3); always so for sigmoid scores
 * @param groups              G: experts fall in G contiguous groups (1 = no group limit)
 * @param topkGroups          groups kept per token; only their experts can be chosen
 * @param biasUpdateRate      γ of the selection bias (0 = no bias): after every update each
 *                            expert's bias moves by γ towards balance of the global load
 * @param aux                 which balance loss {@code auxLossWeight} weighs
 * @param kind                token choice or expert choice
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
        boolean normalizeWeights,
        ScoreFunction score,
        float routeScale,
        boolean normTopK,
        int groups,
        int topkGroups,
        float biasUpdateRate,
        AuxLoss aux,
        RoutingKind kind) {

    public RoutingOptions {
        if (topK < 1) throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        checkFactor("capacityFactor", capacityFactor);
        checkFactor("evalCapacityFactor", evalCapacityFactor);
        if (minCapacity < 0) throw new IllegalArgumentException("minCapacity must be >= 0, got " + minCapacity);
        if (fixedCapacity != null && fixedCapacity < 0)
            throw new IllegalArgumentException("capacity must be >= 0, got " + fixedCapacity);
        if (noise == null || score == null || aux == null || kind == null)
            throw new IllegalArgumentException("noise policy, score function, aux loss and routing kind must be given");
        if (!(jitterEps >= 0f && jitterEps < 1f))
            throw new IllegalArgumentException("jitterEps must be in [0, 1), got " + jitterEps);
        if (!Float.isFinite(auxLossWeight) || auxLossWeight < 0)
            throw new IllegalArgumentException("auxLossWeight must be finite and >= 0, got " + auxLossWeight);
        if (!Float.isFinite(zLossWeight) || zLossWeight < 0)
            throw new IllegalArgumentException("zLossWeight must be finite and >= 0, got " + zLossWeight);
        if (!(routeScale > 0) || !Float.isFinite(routeScale))
            throw new IllegalArgumentException("route scale must be a positive number, got " + routeScale);
        if (groups < 1 || topkGroups < 1 || topkGroups > groups)
            throw new IllegalArgumentException("groups must be >= 1 and top-k groups in 1.." + groups + ", got " + groups
                    + " groups and " + topkGroups + " kept");
        if (!(biasUpdateRate >= 0) || !Float.isFinite(biasUpdateRate))
            throw new IllegalArgumentException("bias update rate must be >= 0, got " + biasUpdateRate);
        if (noise == NoisePolicy.GUMBEL && deterministicSelection(score, groups, biasUpdateRate, kind))
            throw new IllegalArgumentException("Gumbel noise belongs to GShard's later choices; sigmoid scores, groups, a"
                    + " selection bias and expert choice pick deterministically: use noise none (or jitter)");
        if (kind == RoutingKind.EXPERT_CHOICE) {
            if (topK != 1 || groups != 1 || biasUpdateRate != 0 || normTopK || score != ScoreFunction.SOFTMAX
                    || aux != AuxLoss.NONE || routeScale != 1f || dropless || randomTokenPriority)
                throw new IllegalArgumentException("expert choice takes no token-choice options (top-k, groups, selection"
                        + " bias, sigmoid, norm-topk, route scale, an aux loss, dropless, random priority): each expert"
                        + " takes the C tokens with the highest softmax scores");
        }
    }

    private static boolean deterministicSelection(ScoreFunction score, int groups, float biasUpdateRate, RoutingKind kind) {
        return score == ScoreFunction.SIGMOID || groups > 1 || biasUpdateRate > 0 || kind == RoutingKind.EXPERT_CHOICE;
    }

    private static void checkFactor(String name, Double value) {
        if (value != null && !(value > 0 && Double.isFinite(value)))
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
    }

    /** The reference semantics (DESIGN.md §1). */
    public static RoutingOptions reference() {
        return new RoutingOptions(2, null, null, 0, null, false, NoisePolicy.GUMBEL, 0.01f, 1f, false, 0f, false, true,
                ScoreFunction.SOFTMAX, 1f, false, 1, 1, 0f, AuxLoss.GSHARD, RoutingKind.TOKEN_CHOICE);
    }

    /**
     * Checks the options against a layer of {@code experts} experts; the message names the option.
     *
     * @throws IllegalArgumentException when the groups do not divide the experts, a group holds one
     *                                  expert but needs its two best (with a selection bias), or
     *                                  top-k asks for more experts than the kept groups hold
     */
    public void requireFits(int experts) {
        if (kind == RoutingKind.EXPERT_CHOICE) return;
        if (experts % groups != 0)
            throw new IllegalArgumentException(groups + " groups do not divide E=" + experts + " experts evenly");
        int candidates = topkGroups * (experts / groups);
        if (topK > candidates)
            throw new IllegalArgumentException("top-" + topK + " needs at least " + topK + " experts, but " + topkGroups
                    + " kept group" + (topkGroups == 1 ? "" : "s") + " of " + experts / groups + " hold " + candidates);
        if (usesSelectionBias() && groups > 1 && experts / groups < 2)
            throw new IllegalArgumentException("a group scores the sum of its two best experts, so with a selection bias"
                    + " every group needs at least 2 experts; " + groups + " groups of E=" + experts + " have "
                    + experts / groups);
    }

    /** Whether choices come from the scores plus the selection bias within the kept groups, rather than GShard's rule. */
    public boolean selectsDeterministically() {
        return deterministicSelection(score, groups, biasUpdateRate, kind);
    }

    /** Whether the gate keeps and updates a per-expert selection bias. */
    public boolean usesSelectionBias() {
        return biasUpdateRate > 0;
    }

    /** How combine weights are made from the scores. */
    public WeightNormalization normalization() {
        if (kind == RoutingKind.EXPERT_CHOICE) return WeightNormalization.NONE;
        if (score == ScoreFunction.SIGMOID || normTopK) return WeightNormalization.CHOSEN;
        return normalizeWeights && topK > 1 ? WeightNormalization.KEPT : WeightNormalization.NONE;
    }

    /**
     * The options that differ from GShard-style top-k routing, for a run's header: e.g.
     * {@code top-8, sigmoid, groups 8/4, bias γ=0.001, route scale 2.5, seq loss, dropless}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (kind == RoutingKind.EXPERT_CHOICE) {
            sb.append("expert choice");
        } else {
            sb.append("top-").append(topK);
            if (score != ScoreFunction.SOFTMAX) sb.append(", ").append(score.label());
            if (groups > 1) sb.append(", groups ").append(groups).append('/').append(topkGroups);
            if (biasUpdateRate > 0) sb.append(", bias γ=").append(biasUpdateRate);
            if (normTopK) sb.append(", norm-topk");
            if (routeScale != 1f) sb.append(", route scale ").append(routeScale);
            if (aux != AuxLoss.GSHARD) sb.append(", ").append(aux.label()).append(" loss");
        }
        if (dropless) sb.append(", dropless");
        else if (fixedCapacity != null) sb.append(", capacity ").append(fixedCapacity);
        return sb.toString();
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
        private ScoreFunction score;
        private float routeScale;
        private boolean normTopK;
        private int groups;
        private int topkGroups;
        private float biasUpdateRate;
        private AuxLoss aux;
        private RoutingKind kind;

        private Builder(RoutingOptions o) {
            topK = o.topK; capacityFactor = o.capacityFactor; evalCapacityFactor = o.evalCapacityFactor;
            minCapacity = o.minCapacity; fixedCapacity = o.fixedCapacity; dropless = o.dropless; noise = o.noise;
            jitterEps = o.jitterEps; auxLossWeight = o.auxLossWeight;
            auxLossScaleBySquaredExperts = o.auxLossScaleBySquaredExperts; zLossWeight = o.zLossWeight;
            randomTokenPriority = o.randomTokenPriority; normalizeWeights = o.normalizeWeights;
            score = o.score; routeScale = o.routeScale; normTopK = o.normTopK; groups = o.groups;
            topkGroups = o.topkGroups; biasUpdateRate = o.biasUpdateRate; aux = o.aux; kind = o.kind;
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
        public Builder score(ScoreFunction f) { score = f; return this; }
        public Builder routeScale(float scale) { routeScale = scale; return this; }
        public Builder normTopK(boolean on) { normTopK = on; return this; }
        public Builder groups(int g, int kept) { groups = g; topkGroups = kept; return this; }
        public Builder biasUpdateRate(float gamma) { biasUpdateRate = gamma; return this; }
        public Builder aux(AuxLoss a) { aux = a; return this; }
        public Builder kind(RoutingKind k) { kind = k; return this; }

        public RoutingOptions build() {
            return new RoutingOptions(topK, capacityFactor, evalCapacityFactor, minCapacity, fixedCapacity, dropless,
                    noise, jitterEps, auxLossWeight, auxLossScaleBySquaredExperts, zLossWeight, randomTokenPriority,
                    normalizeWeights, score, routeScale, normTopK, groups, topkGroups, biasUpdateRate, aux, kind);
        }
    }

    /** Whether the combine weights are renormalised over the kept choices (GShard). */
    public boolean renormalises() {
        return normalization() == WeightNormalization.KEPT;
    }

    /** The coefficient of the raw {@code l_aux} in the loss for {@code experts} experts. */
    public float auxLossCoefficient(int experts) {
        if (aux == AuxLoss.NONE) return 0f;
        return auxLossScaleBySquaredExperts ? auxLossWeight * experts * (float) experts : auxLossWeight;
    }

    /**
     * Slots per expert for a rank holding {@code tokens} tokens and {@code experts} experts (for
     * expert choice: the tokens each expert takes from the rank, at most {@code tokens}).
     * Dropless returns {@code tokens}: an expert can never receive more than one assignment per token.
     */
    public int capacity(int tokens, int experts, boolean training) {
        if (dropless) return tokens;
        int c;
        if (fixedCapacity != null) {
            c = fixedCapacity;
        } else {
            Double cf = training || evalCapacityFactor == null ? capacityFactor : evalCapacityFactor;
            c = cf == null ? Math.max((int) ((long) topK * tokens / experts), minCapacity)
                    : Math.max((int) Math.ceil(topK * cf * tokens / experts), minCapacity);
        }
        return kind == RoutingKind.EXPERT_CHOICE ? Math.min(c, tokens) : c;
    }
}
