package switchyard.actors.cli;

import picocli.CommandLine.Option;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingOptions;

/** Routing options shared by every command that routes tokens. */
final class RoutingMixin {
    @Option(names = "--top-k", paramLabel = "K", description = "Experts per token (default: ${DEFAULT-VALUE}).")
    int topK = 2;

    @Option(names = "--capacity-factor", paramLabel = "CF",
            description = "Capacity = max(ceil(k·CF·S/E), min-capacity). Unset: the reference rule k·S/E (integer division).")
    Double capacityFactor;

    @Option(names = "--eval-capacity-factor", paramLabel = "CF", description = "Capacity factor for evaluation passes (default: as training).")
    Double evalCapacityFactor;

    @Option(names = "--min-capacity", paramLabel = "N", description = "Lower bound on the capacity, in tokens (default: ${DEFAULT-VALUE}).")
    int minCapacity = 0;

    @Option(names = "--dropless", description = "No capacity limit: never drop a token.")
    boolean dropless;

    @Option(names = "--noise", paramLabel = "POLICY",
            description = "gumbel (reference: Gumbel noise on the second choice), jitter (multiplicative input jitter), none. Default: ${DEFAULT-VALUE}.")
    String noise = "gumbel";

    @Option(names = "--jitter-eps", paramLabel = "EPS", description = "Jitter half-width for --noise jitter (default: ${DEFAULT-VALUE}).")
    float jitterEps = 0.01f;

    @Option(names = "--aux-weight", paramLabel = "W", description = "Weight of the load-balancing loss l_aux (default: ${DEFAULT-VALUE}).")
    float auxWeight = 0.01f;

    @Option(names = "--aux-e2", description = "Scale l_aux by E² (Switch/DeepSpeed convention).")
    boolean auxE2;

    @Option(names = "--z-loss", paramLabel = "W", description = "Weight of the router z-loss (default: ${DEFAULT-VALUE}).")
    float zLoss = 0f;

    @Option(names = "--random-priority", description = "Tokens claim expert slots in a seeded random order instead of token order.")
    boolean randomPriority;

    RoutingOptions toOptions() {
        NoisePolicy policy = switch (noise.toLowerCase(java.util.Locale.ROOT)) {
            case "gumbel" -> NoisePolicy.GUMBEL;
            case "jitter" -> NoisePolicy.JITTER;
            case "none" -> NoisePolicy.NONE;
            default -> throw new IllegalArgumentException("--noise must be gumbel, jitter or none, got '" + noise + "'");
        };
        return RoutingOptions.builder().topK(topK).capacityFactor(capacityFactor).evalCapacityFactor(evalCapacityFactor)
                .minCapacity(minCapacity).dropless(dropless).noise(policy).jitterEps(jitterEps).auxLossWeight(auxWeight)
                .auxLossScaleBySquaredExperts(auxE2).zLossWeight(zLoss).randomTokenPriority(randomPriority).build();
    }
}
