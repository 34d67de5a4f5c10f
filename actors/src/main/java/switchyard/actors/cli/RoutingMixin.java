package switchyard.actors.cli;

import picocli.CommandLine.Option;
import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.ScoreFunction;
import switchyard.math.gate.RoutingOptions;

/**
 * Routing options shared by every command that routes tokens. GShard-style routing is the default;
 * any of {@code --score sigmoid}, {@code --groups}, {@code --bias-update-rate} and
 * {@code --routing expert-choice} makes the choice deterministic (noise defaults to none then).
 */
final class RoutingMixin {
    @Option(names = "--routing", paramLabel = "KIND",
            description = "token-choice (each token its top-k experts) or expert-choice (each expert its top-C tokens of a rank). Default: ${DEFAULT-VALUE}.")
    String routing = "token-choice";

    @Option(names = "--top-k", paramLabel = "K", description = "Experts per token (default: 2; token choice only).")
    Integer topK;

    @Option(names = "--score", paramLabel = "FUNC", description = "softmax or sigmoid scores of the logits (default: ${DEFAULT-VALUE}).")
    String score = "softmax";

    @Option(names = "--route-scale", paramLabel = "X", description = "Multiply every combine weight by X (default: ${DEFAULT-VALUE}).")
    float routeScale = 1f;

    @Option(names = "--norm-topk", description = "Divide the k chosen scores by their sum, before capacity (DeepSeek-V3; always so for sigmoid).")
    boolean normTopK;

    @Option(names = "--groups", paramLabel = "G", description = "Experts in G contiguous groups; only the best --topk-groups groups of a token can be chosen (default: ${DEFAULT-VALUE}).")
    int groups = 1;

    @Option(names = "--topk-groups", paramLabel = "K", description = "Groups kept per token (default: all G).")
    Integer topkGroups;

    @Option(names = "--bias-update-rate", paramLabel = "GAMMA",
            description = "Auxiliary-loss-free balancing: a per-expert selection bias that moves by GAMMA after every update, up for experts below the mean global load, down above it (default: 0, no bias).")
    float biasUpdateRate = 0f;

    @Option(names = "--capacity-factor", paramLabel = "CF",
            description = "Capacity = max(ceil(k·CF·S/E), min-capacity). Unset: the reference rule k·S/E (integer division).")
    Double capacityFactor;

    @Option(names = "--capacity", paramLabel = "C", description = "Slots per expert per rank, overriding the factors (expert choice: tokens each expert takes from a rank).")
    Integer capacity;

    @Option(names = "--eval-capacity-factor", paramLabel = "CF", description = "Capacity factor for evaluation passes (default: as training).")
    Double evalCapacityFactor;

    @Option(names = "--min-capacity", paramLabel = "N", description = "Lower bound on the capacity, in tokens (default: ${DEFAULT-VALUE}).")
    int minCapacity = 0;

    @Option(names = "--dropless", description = "No capacity limit: never drop a token.")
    boolean dropless;

    @Option(names = "--noise", paramLabel = "POLICY",
            description = "gumbel (reference: Gumbel noise on the second choice), jitter (multiplicative input jitter), none. Default: gumbel, or none where the choice is deterministic.")
    String noise;

    @Option(names = "--jitter-eps", paramLabel = "EPS", description = "Jitter half-width for --noise jitter (default: ${DEFAULT-VALUE}).")
    float jitterEps = 0.01f;

    @Option(names = "--aux", paramLabel = "LOSS", description = "Balance loss: gshard (l_aux = mean(me·ce)), seq (DeepSeek-V3's sequence-wise loss) or none (default: gshard; expert choice: none).")
    String aux;

    @Option(names = "--aux-weight", paramLabel = "W", description = "Weight of the balance loss l_aux (default: ${DEFAULT-VALUE}).")
    float auxWeight = 0.01f;

    @Option(names = "--aux-e2", description = "Scale l_aux by E² (Switch/DeepSpeed convention).")
    boolean auxE2;

    @Option(names = "--z-loss", paramLabel = "W", description = "Weight of the router z-loss (default: ${DEFAULT-VALUE}).")
    float zLoss = 0f;

    @Option(names = "--random-priority", description = "Tokens claim expert slots in a seeded random order instead of token order.")
    boolean randomPriority;

    RoutingOptions toOptions() {
        RoutingKind kind = RoutingKind.parse(routing);
        ScoreFunction scores = ScoreFunction.parse(score);
        boolean expertChoice = kind == RoutingKind.EXPERT_CHOICE;
        if (expertChoice && topK != null)
            throw new IllegalArgumentException("--routing expert-choice takes no --top-k: each expert takes its top-C tokens (--capacity or --capacity-factor)");
        boolean deterministic = scores == ScoreFunction.SIGMOID || groups > 1 || biasUpdateRate > 0 || expertChoice;
        NoisePolicy policy = noise == null ? (deterministic ? NoisePolicy.NONE : NoisePolicy.GUMBEL)
                : switch (noise.toLowerCase(java.util.Locale.ROOT)) {
                    case "gumbel" -> NoisePolicy.GUMBEL;
                    case "jitter" -> NoisePolicy.JITTER;
                    case "none" -> NoisePolicy.NONE;
                    default -> throw new IllegalArgumentException("--noise must be gumbel, jitter or none, got '" + noise + "'");
                };
        AuxLoss balance = aux == null ? (expertChoice ? AuxLoss.NONE : AuxLoss.GSHARD) : AuxLoss.parse(aux);
        return RoutingOptions.builder().kind(kind).topK(topK == null ? (expertChoice ? 1 : 2) : topK).score(scores)
                .routeScale(routeScale).normTopK(normTopK).groups(groups, topkGroups == null ? groups : topkGroups)
                .biasUpdateRate(biasUpdateRate).capacityFactor(capacityFactor).fixedCapacity(capacity)
                .evalCapacityFactor(evalCapacityFactor).minCapacity(minCapacity).dropless(dropless).noise(policy).jitterEps(jitterEps)
                .aux(balance).auxLossWeight(auxWeight).auxLossScaleBySquaredExperts(auxE2).zLossWeight(zLoss)
                .randomTokenPriority(randomPriority).build();
    }
}
