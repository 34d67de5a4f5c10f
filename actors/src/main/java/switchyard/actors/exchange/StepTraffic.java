package switchyard.actors.exchange;

import switchyard.actors.protocol.Exchange;

/** What one rank sent in one step: rows and encoded bytes per exchange and destination rank. */
public final class StepTraffic {
    private final int[][] rows;
    private final long[][] bytes;

    public StepTraffic(int worldSize) {
        this.rows = new int[Exchange.values().length][worldSize];
        this.bytes = new long[Exchange.values().length][worldSize];
    }

    void count(Exchange exchange, int dest, int rowCount, long byteCount) {
        rows[exchange.ordinal()][dest] += rowCount;
        bytes[exchange.ordinal()][dest] += byteCount;
    }

    /** {@code rows()[x][d]}: rows sent to rank d in exchange x (by ordinal); the report's own arrays. */
    public int[][] rows() {
        return rows;
    }

    /** The same in encoded bytes, message headers included. */
    public long[][] bytes() {
        return bytes;
    }
}
