package switchyard.math.gate;

import java.util.Locale;

/** Which load-balancing loss the router adds (weighted by {@code auxLossWeight}). */
public enum AuxLoss {
    /** GShard's {@code l_aux = mean_e(me_e · ce_e)}: mean gate times the share of first choices. */
    GSHARD,
    /**
     * DeepSeek-V3's complementary sequence-wise loss over a rank's tokens:
     * {@code l_aux = Σ_e f_e · P_e}, {@code f_e = E/(k·S) · selections_e},
     * {@code P_e = mean_s(score_se / Σ_e' score_se')}.
     */
    SEQUENCE,
    /** No balance loss (balancing, if any, by the selection bias alone). */
    NONE;

    /** {@code gshard}, {@code seq} or {@code none}: the name on the command line. */
    public String label() {
        return this == SEQUENCE ? "seq" : name().toLowerCase(Locale.ROOT);
    }

    public static AuxLoss parse(String text) {
        for (AuxLoss a : values()) if (a.label().equalsIgnoreCase(text.trim())) return a;
        throw new IllegalArgumentException("--aux must be gshard, seq or none, got '" + text + "'");
    }
}
