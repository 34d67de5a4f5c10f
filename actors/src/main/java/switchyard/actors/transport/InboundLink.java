package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import switchyard.actors.wire.WireFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One accepted connection: a daemon thread reads the peer's hello, then frames, decodes each
 * straight from the receive buffer and tells its target locally, in arrival order. A malformed
 * frame, a broken or closed connection ends the link and is reported naming the peer node.
 */
final class InboundLink {
    private final DataPlane plane;
    private final SocketChannel channel;
    private final Thread thread;
    private volatile Address peer;
    /** Set when this node closed the link itself (and reports that): the error the close causes is not news. */
    private volatile boolean closedHere;

    InboundLink(DataPlane plane, SocketChannel channel, int n) {
        this.plane = plane;
        this.channel = channel;
        this.thread = new Thread(this::run, "switchyard-data-plane-from-" + n);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The node at the other end, once its hello has been read. */
    Address peer() { return peer; }

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

    private void run() {
        try {
            FrameReader frames = new FrameReader(channel, plane.settings().maxFrameBytes());
            RefCache refs = plane.codec().refCache();
            ByteBuffer first = frames.next();
            if (first == null) return; // connected and left without a word
            peer = greet(FrameFormat.readHello(first));
            while (true) {
                ByteBuffer body = frames.next();
                if (body == null) {
                    plane.linkEnded(peer, "the data-plane connection from node " + peer + " ended (the node stopped or closed it)");
                    return;
                }
                int bytes = body.remaining() + FrameFormat.LENGTH_BYTES;
                FrameCodec.Delivery d = plane.codec().decode(body, refs);
                plane.statsCounters().received(bytes);
                d.to().tell(d.message());
            }
        } catch (IOException | RuntimeException e) {
            String what = e instanceof WireFormatException ? " sent a malformed frame: " : " broke: ";
            if (closedHere) {
                // this node closed it and has said why
            } else if (peer != null) {
                plane.linkFailed(peer, "data-plane connection from node " + peer + what + DataPlane.describe(e));
            } else {
                plane.log().warn("refused a data-plane connection from {}: {}", remote(), DataPlane.describe(e));
            }
        } finally {
            close();
            plane.inboundEnded(this);
        }
    }

    /** Checks the hello: it must be meant for this node and name its sender. */
    private Address greet(FrameFormat.Hello hello) {
        if (!hello.to().equals(plane.selfAddress().toString()))
            throw new WireFormatException("connection meant for node " + hello.to() + ", but this is node " + plane.selfAddress());
        try {
            return AddressFromURIString.parse(hello.from());
        } catch (RuntimeException e) {
            throw new WireFormatException("hello names no node: '" + hello.from() + "'");
        }
    }

    private String remote() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "(unknown address)";
        }
    }
}
