package switchyard.math.gate;

/** Who chooses: each token its top-k experts, or each expert its top-C tokens. */
public enum RoutingKind {
    /** Each token picks k experts (GShard, Switch, DeepSeek-V3). */
    TOKEN_CHOICE,
    /** Each expert picks the C tokens of a rank with the highest scores for it (Zhou et al., 2022). */
    EXPERT_CHOICE;

    /** {@code token-choice} or {@code expert-choice}. */
    public String label() {
        return this == TOKEN_CHOICE ? "token-choice" : "expert-choice";
    }

    public static RoutingKind parse(String text) {
        for (RoutingKind k : values()) if (k.label().equalsIgnoreCase(text.trim())) return k;
        throw new IllegalArgumentException("--routing must be token-choice or expert-choice, got '" + text + "'");
    }
}
