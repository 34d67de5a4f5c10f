package switchyard.actors.wire;

import switchyard.actors.protocol.RowPart;

/**
 * Exact encoded sizes of the exchange messages, for traffic accounting without encoding. All four
 * exchange messages share one layout: step (8), rank (4), flags (1), the part's first row (4),
 * the block's per-expert counts (4 + 4·L), then the rows: shape (8) and {@code rows·M} floats.
 */
public final class WireSizes {
    private WireSizes() {}

    /** Bytes of the fixed part of an exchange message with {@code localExperts} experts. */
    public static long exchangeHeader(int localExperts) {
        return 8 + 4 + 1 + 4 + 4 + 4L * localExperts + 8;
    }

    public static long exchange(RowPart part) {
        return exchange(part.counts().length, part.numRows(), part.cols());
    }

    /** An exchange message carrying {@code rows} rows of width {@code cols} for {@code localExperts} experts. */
    public static long exchange(int localExperts, long rows, int cols) {
        return exchangeHeader(localExperts) + 4L * rows * cols;
    }
}
