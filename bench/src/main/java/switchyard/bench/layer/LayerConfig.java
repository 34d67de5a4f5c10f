package switchyard.bench.layer;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A layer shape for benchmarks: S tokens per rank, model width M, hidden width H, E experts.
 * The two named configurations are the ones every Switchyard figure is quoted for.
 */
public record LayerConfig(String name, int tokens, int modelDim, int hiddenDim, int experts) {
    public static final LayerConfig LARGE = new LayerConfig("large", 4096, 512, 2048, 8);
    public static final LayerConfig SMALL = new LayerConfig("small", 1024, 128, 512, 4);

    /** {@code large}, {@code small}, or a shape of one's own such as {@code S=4096,M=2048,H=256,E=8} (named by that text). */
    public static LayerConfig byName(String name) {
        return switch (name) {
            case "large" -> LARGE;
            case "small" -> SMALL;
            default -> parse(name);
        };
    }

    private static LayerConfig parse(String spec) {
        Map<String, Integer> values = new HashMap<>();
        for (String item : spec.split(",")) {
            String[] kv = item.split("=", 2);
            String key = kv[0].trim().toUpperCase(Locale.ROOT);
            if (kv.length != 2 || !Set.of("S", "M", "H", "E").contains(key))
                throw new IllegalArgumentException("unknown layer config '" + spec + "' (expected large, small or S=..,M=..,H=..,E=..)");
            int v;
            try {
                v = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer config '" + spec + "': " + key + " must be a whole number, got '" + kv[1] + "'");
            }
            if (v < 1) throw new IllegalArgumentException("layer config '" + spec + "': " + key + " must be >= 1, got " + v);
            if (values.put(key, v) != null) throw new IllegalArgumentException("layer config '" + spec + "' gives " + key + " twice");
        }
        if (values.size() != 4) throw new IllegalArgumentException("layer config '" + spec + "' must give all of S, M, H and E");
        return new LayerConfig(spec, values.get("S"), values.get("M"), values.get("H"), values.get("E"));
    }

    /** Experts each of {@code worldSize} ranks holds; refuses a world that does not divide E. */
    public int expertsPerRank(int worldSize) {
        if (worldSize < 1 || experts % worldSize != 0)
            throw new IllegalArgumentException(name + " has E=" + experts + " experts, which do not split evenly over " + worldSize + " ranks");
        return experts / worldSize;
    }

    /** Floating-point operations of forward+backward per token with top-2: 2 experts × 3 products × 2 layers × 2·M·H. */
    public double fwdBwdFlopsPerToken() {
        return 2.0 * 3 * 2 * 2.0 * modelDim * hiddenDim;
    }

    @Override
    public String toString() {
        return name + " (S=" + tokens + ", M=" + modelDim + ", H=" + hiddenDim + ", E=" + experts + ")";
    }
}
