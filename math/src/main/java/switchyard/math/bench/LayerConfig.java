package switchyard.math.bench;

/**
 * A layer shape for benchmarks: S tokens per rank, model width M, hidden width H, E experts.
 * The two named configurations are the ones every Switchyard figure is quoted for.
 */
public record LayerConfig(String name, int tokens, int modelDim, int hiddenDim, int experts) {
    public static final LayerConfig LARGE = new LayerConfig("large", 4096, 512, 2048, 8);
    public static final LayerConfig SMALL = new LayerConfig("small", 1024, 128, 512, 4);

    public static LayerConfig byName(String name) {
        return switch (name) {
            case "large" -> LARGE;
            case "small" -> SMALL;
            default -> throw new IllegalArgumentException("unknown layer config '" + name + "' (expected large or small)");
        };
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
