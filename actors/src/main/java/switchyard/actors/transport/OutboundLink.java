package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.typed.ActorRef;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * This node's connection to one peer node: a bounded queue that senders add to without ever
 * blocking, and one daemon thread that locates the peer, connects, and writes the queued messages
 * as frames in queue order (so the order between any two actors is kept). Serialization happens on
 * this thread, not in the sending actor. Any failure closes the link and reports it once, naming
 * the peer and how many queued messages were lost; the next message to that node opens a new link.
 */
final class OutboundLink {
    private record Envelope(ActorRef<?> to, Object message) {}

    private static final int INITIAL_BUFFER = 256 * 1024;

    private final DataPlane plane;
    private final Address peer;
    private final BlockingQueue<Envelope> queue;
    private final Thread thread;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER);
    /** A sealed link's frames as they go out: ciphertext and tag; null on an open link. */
    private ByteBuffer sealedFrames;
    private FrameCipher sealer;
    private final RefCache refs;
    private final LinkPacer pacer;
    private SocketChannel channel; // guarded by this
    private boolean closed; // guarded by this
    /** When the write in progress began (System.nanoTime), or 0 while idle: read by the stuck-write check. */
    private volatile long writingSince;

    OutboundLink(DataPlane plane, Address peer) {
        this.plane = plane;
        this.peer = peer;
        this.queue = new ArrayBlockingQueue<>(plane.settings().sendQueueMessages());
        this.refs = plane.codec().refCache();
        this.pacer = LinkPacer.of(plane.settings().linkBytesPerSecond());
        this.thread = new Thread(this::run, "switchyard-data-plane-to-" + peer.hostPort());
        thread.setDaemon(true);
        thread.start();
    }

    Address peer() { return peer; }

    synchronized boolean isClosed() { return closed; }

    /** Queues a message for the writer; false if this link has closed (the caller opens a new one). */
    boolean offer(ActorRef<?> to, Object message) {
        synchronized (this) {
            if (closed) return false;
            if (queue.offer(new Envelope(to, message))) return true;
        }
        fail("the send queue to node " + peer + " is full (" + plane.settings().sendQueueMessages()
                + " messages, switchyard.data-plane.send-queue-messages): the receiver is not keeping up");
        return true; // not delivered, but reported: the sender's step fails instead of waiting
    }

    /** Closes the link if one write has been blocked for longer than {@code timeoutNanos}. */
    void failIfStuck(long now, long timeoutNanos) {
        long since = writingSince;
        if (since != 0 && now - since > timeoutNanos)
            fail("no progress writing to node " + peer + " for " + timeoutNanos / 1_000_000 + " ms (switchyard.data-plane.write-timeout)");
    }

    /** Closes the link and reports {@code reason}, once. */
    void fail(String reason) {
        int lost = close();
        if (lost >= 0) plane.linkFailed(peer, reason + (lost > 0 ? "; " + lost + " queued messages were not sent" : ""));
    }

    /** Closes the link without a report (this node is stopping). Returns the messages dropped, or -1 if already closed. */
    int close() {
        SocketChannel c;
        int lost;
        synchronized (this) {
            if (closed) return -1;
            closed = true;
            lost = queue.size();
            queue.clear();
            c = channel;
        }
        thread.interrupt();
        closeQuietly(c);
        return lost;
    }

    private void run() {
        try {
            connect();
            long keepAlive = plane.settings().keepAliveEvery().toNanos();
            while (true) {
                Envelope e = queue.poll(keepAlive, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (e == null) writeKeepAlive();
                else write(e);
            }
        } catch (InterruptedException e) {
            fail("the link to node " + peer + " was closed");
        } catch (IOException | RuntimeException e) {
            fail("data-plane connection to node " + peer + " failed: " + DataPlane.describe(e));
        }
    }

    private void connect() throws IOException, InterruptedException {
        long started = System.nanoTime();
        int port = DataPlaneLocator.locate(plane.system(), peer, plane.settings().connectTimeout());
        String host = peer.getHost().orElseThrow(() -> new IOException("node " + peer + " has no host"));
        SocketChannel c = SocketChannel.open();
        synchronized (this) {
            if (closed) {
                closeQuietly(c);
                throw new InterruptedException();
            }
            channel = c;
        }
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        long left = plane.settings().connectTimeout().toMillis() - (System.nanoTime() - started) / 1_000_000;
        c.socket().connect(new InetSocketAddress(host, port), (int) Math.max(1000, left));
        writingSince = System.nanoTime(); // a peer that never answers the handshake counts as a stuck write
        byte[] key = LinkHandshake.connect(c, plane.security(), plane.selfAddress().toString(), peer.toString());
        writingSince = 0;
        if (key != null) {
            sealer = FrameCipher.sealing(key);
            sealedFrames = ByteBuffer.allocateDirect(INITIAL_BUFFER + FrameCipher.TAG_BYTES);
        }
    }

    /** An empty frame, so that the receiver can tell a quiet link from a dead one. */
    private void writeKeepAlive() throws IOException {
        buffer.clear();
        FrameFormat.end(buffer, FrameFormat.begin(buffer));
        buffer.flip();
        writeBuffer(channel());
    }

    private void write(Envelope e) throws IOException, InterruptedException {
        int bytes = encode(e);
        buffer.flip();
        writeBuffer(channel());
        plane.statsCounters().sent(bytes);
        pacer.sent(bytes);
    }

    private synchronized SocketChannel channel() {
        return channel;
    }

    /** Writes the frame in {@code buffer}, sealed first on a sealed link. */
    private void writeBuffer(SocketChannel c) throws IOException {
        ByteBuffer out = sealer == null ? buffer : seal(buffer);
        writingSince = System.nanoTime();
        while (out.hasRemaining()) c.write(out);
        writingSince = 0;
    }

    /** The plain frame in {@code plain} as a sealed one: the length of ciphertext and tag, then both. */
    private ByteBuffer seal(ByteBuffer plain) {
        int body = plain.remaining() - FrameFormat.LENGTH_BYTES;
        int frame = FrameFormat.LENGTH_BYTES + body + FrameCipher.TAG_BYTES;
        if (sealedFrames.capacity() < frame) sealedFrames = ByteBuffer.allocateDirect(Math.max(frame, 2 * sealedFrames.capacity()));
        sealedFrames.clear();
        sealedFrames.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(body + FrameCipher.TAG_BYTES);
        plain.position(plain.position() + FrameFormat.LENGTH_BYTES);
        sealer.seal(plain, sealedFrames);
        return sealedFrames.flip();
    }

    /** Encodes into the reused direct buffer, growing it (up to a maximal frame) until the message fits. */
    private int encode(Envelope e) throws IOException {
        int limit = plane.settings().maxFrameBytes() + FrameFormat.LENGTH_BYTES;
        while (true) {
            buffer.clear();
            try {
                return plane.codec().encode(e.to(), e.message(), buffer, refs);
            } catch (BufferOverflowException full) {
                if (buffer.capacity() >= limit)
                    throw new IOException("a " + e.message().getClass().getSimpleName() + " for " + e.to().path()
                            + " is larger than a frame may be (" + plane.settings().maxFrameBytes() + " bytes, switchyard.data-plane.max-frame-bytes)");
                buffer = ByteBuffer.allocateDirect((int) Math.min(limit, 2L * buffer.capacity()));
            }
        }
    }

    private static void closeQuietly(SocketChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
