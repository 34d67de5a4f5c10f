package switchyard.actors.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the rows of the all-to-all travel ({@code --wire}). With {@link #BF16} every exchanged row
 * (dispatched tokens, expert outputs, both gradients) is rounded to bfloat16 (to nearest even) where
 * it leaves its rank, for every pair, a rank's blocks to itself included, so a job computes the
 * same numbers wherever its ranks run; the bytes on the wire are then half.
 */
public enum RowEncoding {
    FP32("fp32", 4),
    BF16("bf16", 2);

    private final String label;
    private final int bytesPerValue;

    RowEncoding(String label, int bytesPerValue) {
        this.label = label;
        this.bytesPerValue = bytesPerValue;
    }

    public String label() {
        return label;
    }

    /** Bytes one row value takes on the wire. */
    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** @throws IllegalArgumentException for anything but fp32 or bf16 (any case), naming what is accepted */
    public static RowEncoding parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (RowEncoding e : values()) {
            if (e.label.equals(key)) return e;
        }
        throw new IllegalArgumentException("unknown wire encoding '" + name + "'; accepted: "
                + Arrays.stream(values()).map(RowEncoding::label).collect(Collectors.joining(", ")));
    }
}
