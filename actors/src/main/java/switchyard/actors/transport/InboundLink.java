package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import switchyard.actors.wire.WireFormatException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One accepted connection: a daemon thread runs the handshake ({@link LinkHandshake}), admits the
 * peer only if it proved the job's credentials and is a current member at the socket's host
 * ({@link Admission}), then reads frames, decodes each straight from the receive buffer and tells
 * its target locally, in arrival order.
 *
 * <p>Until a peer is admitted the connection is a stranger's: a refusal is logged (rate-limited,
 * {@link RefusalLog}) and never reported as a failure of any real peer, whatever the hello claims.
 * Once admitted, a malformed or refused frame, a broken or closed connection ends the link and is
 * reported naming the peer node. {@link #expiry} tells the data plane's watchdog when to close a
 * connection that is slow to prove itself, stalls inside a frame, or falls silent.
 */
final class InboundLink {
    private final DataPlane plane;
    private final SocketChannel channel;
    private final Thread thread;
    private final long openedAt = System.nanoTime();
    /** The remote host, for refusals: the port changes with every connection, the host does not. */
    private final String remoteHost;
    private volatile Address peer;
    private volatile FrameReader frames;
    private volatile long lastFrameAt;
    /** Set when this node closed the link itself (and reports that): the error the close causes is not news. */
    private volatile boolean closedHere;

    InboundLink(DataPlane plane, SocketChannel channel, int n) {
        this.plane = plane;
        this.channel = channel;
        this.remoteHost = hostOf(channel);
        this.thread = new Thread(this::run, "switchyard-data-plane-from-" + n);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The node at the other end, once admitted; null before. */
    Address peer() { return peer; }

    boolean admitted() { return peer != null; }

    String remoteHost() { return remoteHost; }

    /** Closes the link without a report from its thread (the caller reports). */
    void closeSilently() {
        closedHere = true;
        close();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    /**
     * Why this connection should be closed at {@code now}, or null: not admitted within the
     * handshake timeout, stalled inside a frame for the write timeout, or silent (not even a
     * keep-alive) for the idle timeout.
     */
    String expiry(long now, DataPlaneSettings s) {
        if (peer == null) {
            return now - openedAt > s.handshakeTimeout().toNanos()
                    ? "no handshake within " + s.handshakeTimeout().toMillis() + " ms (switchyard.data-plane.handshake-timeout)" : null;
        }
        FrameReader f = frames;
        long reading = f == null ? 0 : f.readingSince();
        if (reading != 0 && now - reading > s.writeTimeout().toNanos())
            return "node " + peer + " stalled inside a frame for " + s.writeTimeout().toMillis() + " ms (switchyard.data-plane.write-timeout)";
        if (reading == 0 && now - lastFrameAt > s.idleTimeout().toNanos())
            return "node " + peer + " sent nothing, not even a keep-alive, for " + s.idleTimeout().toMillis() + " ms (switchyard.data-plane.idle-timeout)";
        return null;
    }

    private void run() {
        try {
            Address from = admit();
            RefCache refs = plane.codec().refCache();
            while (true) {
                ByteBuffer body = frames.next();
                lastFrameAt = System.nanoTime();
                if (body == null) {
                    plane.linkEnded(from, "the data-plane connection from node " + from + " ended (the node stopped or closed it)");
                    return;
                }
                if (!body.hasRemaining()) { // a keep-alive
                    plane.statsCounters().keepAliveReceived();
                    continue;
                }
                int bytes = body.remaining() + FrameFormat.LENGTH_BYTES;
                FrameCodec.Delivery d = plane.codec().decode(body, refs);
                plane.statsCounters().received(bytes);
                d.to().tell(d.message());
            }
        } catch (IOException | RuntimeException e) {
            String what = e instanceof WireFormatException ? " sent a malformed or refused frame: " : " broke: ";
            if (closedHere) {
                // this node closed it and has said why
            } else if (peer != null) {
                plane.linkFailed(peer, "data-plane connection from node " + peer + what + DataPlane.describe(e));
            } else {
                plane.refused(remoteHost, DataPlane.describe(e));
            }
        } finally {
            close();
            plane.inboundEnded(this);
        }
    }

    /** The handshake and admission; returns the admitted peer, whose frames may now be read. */
    private Address admit() throws IOException {
        LinkHandshake.Proven proven = LinkHandshake.prove(channel, plane.security(), plane.selfAddress().toString());
        Address from;
        try {
            from = AddressFromURIString.parse(proven.hello().from());
        } catch (RuntimeException e) {
            throw new WireFormatException("the hello names no node: '" + proven.hello().from() + "'");
        }
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        String refusal = plane.admission().refusal(from, remote.getAddress(), openedAt + plane.settings().handshakeTimeout().toNanos());
        if (refusal != null) throw new LinkHandshake.HandshakeRefused(refusal);
        byte[] key = proven.sessionKey();
        frames = new FrameReader(channel, plane.settings().maxFrameBytes(), key == null ? null : FrameCipher.opening(key));
        lastFrameAt = System.nanoTime();
        LinkHandshake.admit(channel);
        peer = from;
        return from;
    }

    /** The host a connection comes from, without its port. */
    static String hostOf(SocketChannel channel) {
        try {
            return channel.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "(unknown address)";
        } catch (IOException e) {
            return "(unknown address)";
        }
    }
}
