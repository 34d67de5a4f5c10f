package switchyard.actors.exchange;

import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.transport.Transport;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireWriter;

/**
 * How exchange blocks travel: split into parts of at most {@code chunkBytes} of row data, with at
 * most {@code window} unacknowledged parts per sender→receiver pair, over {@code transport} when
 * the pair is on different nodes. Zero for chunk or window turns it off (a single JVM needs
 * neither). {@code rows} is how the rows are encoded ({@code --wire}). Every rank of a job must
 * use the same values.
 */
public record ExchangeSettings(long chunkBytes, int window, Transport transport, RowEncoding rows) {
    /** Rows as float32. */
    public ExchangeSettings(long chunkBytes, int window, Transport transport) {
        this(chunkBytes, window, transport, RowEncoding.FP32);
    }

    public ExchangeSettings {
        if (rows == null) throw new IllegalArgumentException("row encoding missing");
        if (chunkBytes < 0) throw new IllegalArgumentException("chunk bytes must be >= 0, got " + chunkBytes);
        if (window < 0) throw new IllegalArgumentException("window must be >= 0, got " + window);
        if (transport == null) throw new IllegalArgumentException("exchange transport missing");
        if (transport == Transport.ARTERY && chunkBytes > 0 && window == 0)
            throw new IllegalArgumentException("exchange parts over Artery need a credit window (switchyard.exchange.window >= 1):"
                    + " Artery drops messages when its send queue is full");
    }

    /** Parts between nodes over the data plane. */
    public ExchangeSettings(long chunkBytes, int window) {
        this(chunkBytes, window, Transport.DATA_PLANE);
    }

    /** One part per block, no acknowledgements: right inside one JVM. */
    public static ExchangeSettings direct() {
        return new ExchangeSettings(0, 0);
    }

    /** The same split and pacing over another transport. */
    public ExchangeSettings over(Transport t) {
        return new ExchangeSettings(chunkBytes, window, t, rows);
    }

    /** The same split and pacing with rows in another encoding. */
    public ExchangeSettings withRows(RowEncoding e) {
        return new ExchangeSettings(chunkBytes, window, transport, e);
    }

    /** Rows per part for rows of {@code cols} values in this encoding; 0 = unsplit. */
    public int rowsPerPart(int cols) {
        if (chunkBytes == 0) return 0;
        return (int) Math.max(1, chunkBytes / ((long) rows.bytesPerValue() * cols));
    }

    /** Its wire form, inside the messages that carry it (a job's rank settings, the bench's exchanges). */
    public void writeTo(WireWriter out) {
        out.putLong(chunkBytes).putInt(window).putByte(transport.ordinal()).putByte(rows.ordinal());
    }

    /** Reads what {@link #writeTo} wrote; anything out of range is a {@link WireFormatException}. */
    public static ExchangeSettings readFrom(WireReader in) {
        long chunk = in.getLong();
        int window = in.getInt();
        int transport = in.getByte();
        if (transport < 0 || transport >= Transport.values().length) throw new WireFormatException("unknown exchange transport " + transport);
        int rows = in.getByte();
        if (rows < 0 || rows >= RowEncoding.values().length) throw new WireFormatException("unknown row encoding " + rows);
        try {
            return new ExchangeSettings(chunk, window, Transport.values()[transport], RowEncoding.values()[rows]);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad exchange settings: " + e.getMessage());
        }
    }
}
