package switchyard.actors.transport;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * A node's data-plane settings ({@code switchyard.data-plane} in the configuration).
 *
 * @param port              TCP port to listen on, on the node's canonical hostname; 0 = any free port
 * @param connectTimeout    how long to try to locate and connect to a peer before the link fails
 * @param writeTimeout      how long one frame may take to write before the link is declared stuck
 * @param maxFrameBytes     the largest frame sent or accepted (a corrupt length is refused before
 *                          anything is allocated)
 * @param sendQueueMessages messages that may wait for one peer's writer; more fails the link
 * @param receivePoolBytes  row arrays of received parts kept for reuse once receivers hand them back
 * @param linkBytesPerSecond the bandwidth each link is held to, per direction, to emulate a slower
 *                          network (0 = as fast as it goes)
 * @param handshakeTimeout  how long an inbound connection may take to prove itself and be admitted
 * @param idleTimeout       an admitted inbound connection that sends nothing (not even a keep-alive,
 *                          which links send every quarter of this) for this long is closed
 * @param maxInboundConnections inbound connections a node holds at most; more are closed at once
 * @param maxPendingHandshakes  of those, how many may still be in their handshake
 */
public record DataPlaneSettings(int port, Duration connectTimeout, Duration writeTimeout, int maxFrameBytes,
                                int sendQueueMessages, long receivePoolBytes, long linkBytesPerSecond,
                                Duration handshakeTimeout, Duration idleTimeout, int maxInboundConnections,
                                int maxPendingHandshakes) {
    public DataPlaneSettings {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("data-plane port must be 0..65535, got " + port);
        if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("data-plane connect-timeout must be positive, got " + connectTimeout);
        if (writeTimeout.isNegative() || writeTimeout.isZero()) throw new IllegalArgumentException("data-plane write-timeout must be positive, got " + writeTimeout);
        if (maxFrameBytes < 1024) throw new IllegalArgumentException("data-plane max-frame-bytes must be >= 1 KiB, got " + maxFrameBytes);
        if (sendQueueMessages < 1) throw new IllegalArgumentException("data-plane send-queue-messages must be >= 1, got " + sendQueueMessages);
        if (receivePoolBytes < 0) throw new IllegalArgumentException("data-plane receive-pool-bytes must be >= 0, got " + receivePoolBytes);
        if (linkBytesPerSecond < 0) throw new IllegalArgumentException("data-plane link-bytes-per-second must be >= 0, got " + linkBytesPerSecond);
        if (handshakeTimeout.toMillis() < 100) throw new IllegalArgumentException("data-plane handshake-timeout must be >= 100 ms, got " + handshakeTimeout);
        if (idleTimeout.toMillis() < 1000) throw new IllegalArgumentException("data-plane idle-timeout must be >= 1 s, got " + idleTimeout);
        if (maxInboundConnections < 1) throw new IllegalArgumentException("data-plane max-inbound-connections must be >= 1, got " + maxInboundConnections);
        if (maxPendingHandshakes < 1) throw new IllegalArgumentException("data-plane max-pending-handshakes must be >= 1, got " + maxPendingHandshakes);
    }

    /** How often an idle outbound link sends a keep-alive: often enough that its receiver never times it out. */
    public Duration keepAliveEvery() {
        return idleTimeout.dividedBy(4);
    }

    public static DataPlaneSettings from(Config config) {
        Config c = config.getConfig("switchyard.data-plane");
        long maxFrame = c.getBytes("max-frame-bytes");
        if (maxFrame > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("data-plane max-frame-bytes must be < 2 GiB, got " + maxFrame);
        return new DataPlaneSettings(c.getInt("port"), c.getDuration("connect-timeout"), c.getDuration("write-timeout"),
                (int) maxFrame, c.getInt("send-queue-messages"), c.getBytes("receive-pool-bytes"), c.getBytes("link-bytes-per-second"),
                c.getDuration("handshake-timeout"), c.getDuration("idle-timeout"), c.getInt("max-inbound-connections"),
                c.getInt("max-pending-handshakes"));
    }
}
