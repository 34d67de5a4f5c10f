package switchyard.actors.network;

/**
 * The α-β cost of one link: a message of {@code b} bytes takes {@code α + b/β} seconds.
 *
 * @param latency   α, seconds per message
 * @param bandwidth β, bytes per second
 */
public record LinkSpec(double latency, double bandwidth) {
    public LinkSpec {
        if (!(latency >= 0 && Double.isFinite(latency)))
            throw new IllegalArgumentException("latency must be a finite time >= 0, got " + latency + " s");
        if (!(bandwidth > 0 && Double.isFinite(bandwidth)))
            throw new IllegalArgumentException("bandwidth must be finite and > 0, got " + bandwidth + " B/s");
    }

    /** Seconds to send {@code bytes}; nothing is sent, and nothing is paid, for 0 bytes. */
    public double seconds(long bytes) {
        return bytes == 0 ? 0 : latency + bytes / bandwidth;
    }

    @Override
    public String toString() {
        return Units.formatTime(latency) + " latency, " + Units.formatBandwidth(bandwidth);
    }
}
