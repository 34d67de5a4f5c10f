package switchyard.math.precision;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic of the expert products (routed and shared experts, forward and backward). The
 * router, the losses, every reduction, the optimizer state and the master weights are float32 in
 * both; only the operands of the expert products change.
 */
public enum Precision {
    /** Float32 operands, float32 accumulation: the reference semantics. */
    FP32("fp32"),
    /**
     * Both operands of every expert product rounded to bfloat16 (round to nearest even from the
     * float32 values), exact products, float32 accumulation; bias, ReLU and outputs float32. As
     * PyTorch's CPU autocast and Megatron-Core run their expert GEMMs.
     */
    BF16("bf16");

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** Its name on the command line, in settings and in the bench's JSON. */
    public String label() {
        return label;
    }

    /** The accepted names, for messages and help. */
    public static String accepted() {
        return Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", "));
    }

    /**
     * @throws IllegalArgumentException for anything but {@code fp32} or {@code bf16} (any case),
     *     naming what is accepted
     */
    public static Precision parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.label.equals(key)) return p;
        }
        throw new IllegalArgumentException("unknown precision '" + name + "'; accepted: " + accepted());
    }
}
