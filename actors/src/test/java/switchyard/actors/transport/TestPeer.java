package switchyard.actors.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import switchyard.actors.security.Credentials;
import switchyard.actors.wire.FloatArrays;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hand-driven data-plane client for tests: connects to a node's listener on loopback, runs the
 * real handshake (or any prefix of it, or raw bytes), and writes frames, sealed or not.
 */
final class TestPeer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final SocketChannel channel;
    private FrameCipher sealer;

    private TestPeer(SocketChannel channel) {
        this.channel = channel;
    }

    static TestPeer connect(ActorSystem<?> node) throws IOException {
        SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), DataPlane.get(node).port()));
        c.socket().setSoTimeout((int) WAIT.toMillis()); // a test that would hang fails instead
        return new TestPeer(c);
    }

    static LinkSecurity job(Path credentials) {
        return LinkSecurity.sealed(Credentials.load(credentials).dataPlaneKey());
    }

    /** The real handshake as node {@code from}; afterwards frames are sealed with the link's key. */
    TestPeer handshake(LinkSecurity security, String from, ActorSystem<?> to) throws IOException {
        byte[] key = LinkHandshake.connect(channel, security, from, to.address().toString());
        if (key != null) sealer = FrameCipher.sealing(key);
        return this;
    }

    TestPeer write(byte[] bytes) throws IOException {
        LinkHandshake.writeFully(channel, ByteBuffer.wrap(bytes));
        return this;
    }

    /** A message frame for {@code to}, sealed if the handshake made a key. */
    TestPeer send(ActorSystem<?> node, ActorRef<?> to, Object message) throws IOException {
        return write(frame(node, to, message));
    }

    byte[] frame(ActorSystem<?> node, ActorRef<?> to, Object message) {
        ByteBuffer plain = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        FrameCodec codec = new FrameCodec(node, FloatArrays.NEW);
        codec.encode(to, message, plain, codec.refCache());
        plain.flip();
        return seal(plain);
    }

    /** {@code plain} (a whole frame: length, body) as it goes on the wire. */
    byte[] seal(ByteBuffer plain) {
        if (sealer == null) return bytes(plain);
        int body = plain.remaining() - FrameFormat.LENGTH_BYTES;
        ByteBuffer out = ByteBuffer.allocate(body + FrameFormat.LENGTH_BYTES + FrameCipher.TAG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(body + FrameCipher.TAG_BYTES);
        plain.position(plain.position() + FrameFormat.LENGTH_BYTES);
        sealer.seal(plain, out);
        return out.array();
    }

    static byte[] bytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    /**
     * Waits until the node closes the connection: the stream ends, or is reset when the node hung
     * up on bytes it did not read. A read timeout (the node still listening) fails the test.
     */
    void assertClosedByTheNode() throws IOException {
        InputStream in = channel.socket().getInputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) return;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node kept the connection open for " + WAIT.toSeconds() + " s", e);
        } catch (SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).toLowerCase().contains("reset"), reset.toString());
        }
    }

    /** Whether the node still keeps this connection open after its last frame (one byte of reply would be a protocol error). */
    void assertStillOpen() throws IOException {
        channel.socket().setSoTimeout(200);
        try {
            int b = channel.socket().getInputStream().read();
            assertEquals(Integer.MIN_VALUE, b, "the node closed or wrote to the connection");
        } catch (SocketTimeoutException expected) {
            // nothing to read and still open
        } finally {
            channel.socket().setSoTimeout((int) WAIT.toMillis());
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
