package switchyard.bench.layer;

import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.gate.ScoreFunction;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A layer for benchmarks: S tokens per rank, model width M, hidden width H, E experts, how tokens
 * are routed, and the shared experts every token also passes through. The named configurations
 * are the ones every Switchyard figure is quoted for.
 */
public record LayerConfig(String name, int tokens, int modelDim, int hiddenDim, int experts, RoutingOptions routing,
                          int sharedExperts, int sharedHiddenDim) {
    public static final LayerConfig LARGE = new LayerConfig("large", 4096, 512, 2048, 8);
    public static final LayerConfig SMALL = new LayerConfig("small", 1024, 128, 512, 4);
    /**
     * Many small experts routed the DeepSeek-V3 way, with the flops per token of {@link #LARGE}: eight
     * experts of H=256 and one shared expert of H=2048 cost what two experts of H=2048 do, so the two
     * figures side by side show what fine granularity itself costs.
     */
    public static final LayerConfig FINE = new LayerConfig("fine", 4096, 512, 256, 64, deepSeekV3(8, 8, 4), 1, 2048);

    public LayerConfig {
        if (tokens < 1 || modelDim < 1 || hiddenDim < 1 || experts < 1 || sharedExperts < 0 || sharedHiddenDim < 1)
            throw new IllegalArgumentException("layer config " + name + ": S, M, H, E and the shared width must be >= 1 and the shared experts >= 0");
        routing.requireFits(experts);
    }

    /** A GShard top-2 layer of this shape with no shared experts. */
    public LayerConfig(String name, int tokens, int modelDim, int hiddenDim, int experts) {
        this(name, tokens, modelDim, hiddenDim, experts, RoutingOptions.reference(), 0, hiddenDim);
    }

    /**
     * DeepSeek-V3's router: sigmoid scores, top-k within the best groups, the selection bias
     * (γ = 0.001) and the sequence-wise balance loss (weight 0.0001), route scale 2.5, dropless.
     */
    static RoutingOptions deepSeekV3(int topK, int groups, int keptGroups) {
        return RoutingOptions.builder().topK(topK).score(ScoreFunction.SIGMOID).groups(groups, keptGroups).biasUpdateRate(0.001f)
                .aux(AuxLoss.SEQUENCE).auxLossWeight(0.0001f).routeScale(2.5f).dropless(true).noise(NoisePolicy.NONE).build();
    }

    /**
     * {@code large}, {@code small}, {@code fine}; one of them with some sizes of one's own, such as
     * {@code fine,S=256,M=32} ({@code HS} is the shared experts' hidden width); or a top-2 shape
     * of one's own with all four sizes, such as {@code S=4096,M=2048,H=256,E=8}. A configuration
     * of one's own is named by its text.
     */
    public static LayerConfig byName(String name) {
        String[] items = name.split(",");
        LayerConfig base = named(items[0].trim());
        if (base != null && items.length == 1) return base;
        Map<String, Integer> sizes = sizes(name, base == null ? items : java.util.Arrays.copyOfRange(items, 1, items.length));
        if (base == null) {
            if (sizes.containsKey("HS") || sizes.size() != 4)
                throw new IllegalArgumentException("layer config '" + name + "' must give all of S, M, H and E (or start from large, small or fine)");
            return new LayerConfig(name, sizes.get("S"), sizes.get("M"), sizes.get("H"), sizes.get("E"));
        }
        try {
            return new LayerConfig(name, sizes.getOrDefault("S", base.tokens), sizes.getOrDefault("M", base.modelDim),
                    sizes.getOrDefault("H", base.hiddenDim), sizes.getOrDefault("E", base.experts), base.routing, base.sharedExperts,
                    sizes.getOrDefault("HS", base.sharedHiddenDim));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer config '" + name + "': " + e.getMessage());
        }
    }

    private static LayerConfig named(String name) {
        return switch (name) {
            case "large" -> LARGE;
            case "small" -> SMALL;
            case "fine" -> FINE;
            default -> null;
        };
    }

    private static Map<String, Integer> sizes(String spec, String[] items) {
        Map<String, Integer> values = new HashMap<>();
        for (String item : items) {
            String[] kv = item.split("=", 2);
            String key = kv[0].trim().toUpperCase(Locale.ROOT);
            if (kv.length != 2 || !Set.of("S", "M", "H", "E", "HS").contains(key))
                throw new IllegalArgumentException("unknown layer config '" + spec + "' (expected large, small, fine, one of them with sizes"
                        + " such as fine,S=256, or S=..,M=..,H=..,E=..)");
            int v;
            try {
                v = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer config '" + spec + "': " + key + " must be a whole number, got '" + kv[1] + "'");
            }
            if (v < 1) throw new IllegalArgumentException("layer config '" + spec + "': " + key + " must be >= 1, got " + v);
            if (values.put(key, v) != null) throw new IllegalArgumentException("layer config '" + spec + "' gives " + key + " twice");
        }
        return values;
    }

    /** Whether the layer is the GShard top-2 one the NumPy peer implements. */
    public boolean routesLikeThePeer() {
        return routing.equals(RoutingOptions.reference()) && sharedExperts == 0;
    }

    /** Experts each of {@code worldSize} ranks holds; refuses a world that does not divide E. */
    public int expertsPerRank(int worldSize) {
        if (worldSize < 1 || experts % worldSize != 0)
            throw new IllegalArgumentException(name + " has E=" + experts + " experts, which do not split evenly over " + worldSize + " ranks");
        return experts / worldSize;
    }

    /**
     * Rows one expert multiplies per step when the load is even: each of the W·S tokens goes to
     * k experts (with a capacity, no expert takes more than it; the reference capacity k·S/E per
     * source is exactly the even share).
     */
    public int rowsPerExpert(int worldSize) {
        return (int) ((long) routing.topK() * tokens * worldSize / experts);
    }

    @Override
    public String toString() {
        String shape = name + " (S=" + tokens + ", M=" + modelDim + ", H=" + hiddenDim + ", E=" + experts;
        if (!routing.equals(RoutingOptions.reference())) shape += ", " + routing.describe();
        if (sharedExperts > 0) shape += ", " + sharedExperts + " shared of H=" + sharedHiddenDim;
        return shape + ")";
    }
}
