package switchyard.actors.rank;

/**
 * How exchange blocks travel: split into parts of at most {@code chunkBytes} of row data, with at
 * most {@code window} unacknowledged parts per sender→receiver pair. Zero for either turns it off
 * (a single JVM needs neither). Every rank of a job must use the same values.
 */
public record ExchangeSettings(long chunkBytes, int window) {
    public ExchangeSettings {
        if (chunkBytes < 0) throw new IllegalArgumentException("chunk bytes must be >= 0, got " + chunkBytes);
        if (window < 0) throw new IllegalArgumentException("window must be >= 0, got " + window);
    }

    /** One part per block, no acknowledgements: right inside one JVM. */
    public static ExchangeSettings direct() {
        return new ExchangeSettings(0, 0);
    }

    /** Rows per part for rows of {@code cols} floats; 0 = unsplit. */
    int rowsPerPart(int cols) {
        if (chunkBytes == 0) return 0;
        return (int) Math.max(1, chunkBytes / (4L * cols));
    }
}
