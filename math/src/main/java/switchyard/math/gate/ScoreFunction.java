package switchyard.math.gate;

import java.util.Locale;

/** How a token's logits become its affinity scores for the experts. */
public enum ScoreFunction {
    /** {@code softmax(logits)} over the experts: scores sum to 1 (GShard, Switch, Mixtral). */
    SOFTMAX,
    /** {@code 1 / (1 + exp(-logit))} per expert, independently (DeepSeek-V3). */
    SIGMOID;

    /** {@code softmax} or {@code sigmoid}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ScoreFunction parse(String text) {
        for (ScoreFunction f : values()) if (f.label().equalsIgnoreCase(text.trim())) return f;
        throw new IllegalArgumentException("score function must be softmax or sigmoid, got '" + text + "'");
    }
}
