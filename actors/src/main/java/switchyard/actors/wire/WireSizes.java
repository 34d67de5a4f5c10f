package switchyard.actors.wire;

import switchyard.math.dispatch.ExpertRows;

/**
 * Exact encoded sizes of the exchange messages, for traffic accounting without encoding. All four
 * exchange messages share one layout: step (8), rank (4), flags (1), then the rows block:
 * shape (8), {@code rows·M} floats, the per-expert counts (4 + 4·L).
 */
public final class WireSizes {
    private WireSizes() {}

    /** Bytes of the fixed part of an exchange message with {@code localExperts} experts. */
    public static long exchangeHeader(int localExperts) {
        return 8 + 4 + 1 + 8 + 4 + 4L * localExperts;
    }

    public static long exchange(ExpertRows rows) {
        return exchange(rows.experts(), rows.rows().numRows, rows.rows().numCols);
    }

    /** An exchange message carrying {@code rows} rows of width {@code cols} for {@code localExperts} experts. */
    public static long exchange(int localExperts, long rows, int cols) {
        return exchangeHeader(localExperts) + 4L * rows * cols;
    }
}
