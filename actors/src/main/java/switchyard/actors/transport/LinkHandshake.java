package switchyard.actors.transport;

import switchyard.actors.wire.WireFormatException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.util.Arrays;

/**
 * The opening of a data-plane connection, before any frame is read:
 * <pre>
 *   connecting node                                  listening node
 *   hello (mode, from, to, nonce_c)          ──►     checks size (≤ 4 KiB), magic, version, mode, to
 *                                            ◄──     mode, nonce_s, server proof
 *   checks the server proof
 *   client proof                             ──►     checks the client proof, then that `from` is a
 *                                                    current member at the socket's remote host
 *                                            ◄──     1 (admitted)
 *   frames, sealed with the session key      ──►
 * </pre>
 * Proofs and the key come from {@link LinkSecurity} over the transcript (the hello's bytes and
 * nonce_s). The listener reads at most {@link FrameFormat#MAX_HELLO_BYTES} into a buffer of that
 * size before anything is proved, and a listener that refuses simply closes the connection (the
 * reason goes to its own log, not to a stranger).
 */
final class LinkHandshake {
    static final byte ADMITTED = 1;
    private static final int REPLY_BYTES = 1 + LinkSecurity.NONCE_BYTES + LinkSecurity.PROOF_BYTES;

    private LinkHandshake() {}

    /** What a listener learned from a connection whose proof checked out. */
    record Proven(FrameFormat.Hello hello, byte[] sessionKey) {}

    /**
     * Connecting side: runs the handshake on {@code c} as node {@code from} reaching node {@code to};
     * returns the link's session key (null on an open link).
     */
    static byte[] connect(ByteChannel c, LinkSecurity security, String from, String to) throws IOException {
        ByteBuffer hello = ByteBuffer.allocate(FrameFormat.MAX_HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FrameFormat.writeHello(hello, new FrameFormat.Hello(security.mode(), from, to, security.nonce()));
        hello.flip();
        byte[] helloBody = Arrays.copyOfRange(hello.array(), FrameFormat.LENGTH_BYTES, hello.limit());
        writeFully(c, hello);
        ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES);
        if (!readFully(c, reply))
            throw new IOException("node " + to + " closed the data-plane connection in the handshake (its log says why: "
                    + "other credentials, another version, or one side runs --insecure)");
        reply.flip();
        int mode = reply.get();
        if (mode != security.mode().ordinal())
            throw new IOException("node " + to + " runs its data plane " + modeName(mode) + ", this node " + modeName(security.mode().ordinal()));
        byte[] serverNonce = new byte[LinkSecurity.NONCE_BYTES];
        byte[] serverProof = new byte[LinkSecurity.PROOF_BYTES];
        reply.get(serverNonce).get(serverProof);
        byte[] transcript = LinkSecurity.transcript(helloBody, serverNonce);
        if (!security.matches(security.serverProof(transcript), serverProof))
            throw new IOException("node " + to + " cannot prove it holds this job's credentials: not connecting");
        writeFully(c, ByteBuffer.wrap(security.clientProof(transcript)));
        ByteBuffer verdict = ByteBuffer.allocate(1);
        if (!readFully(c, verdict) || verdict.get(0) != ADMITTED)
            throw new IOException("node " + to + " did not admit this node's data-plane connection (its log says why)");
        return security.sessionKey(transcript);
    }

    /**
     * Listening side, up to the proof: reads the hello into a small fixed buffer, checks it is meant
     * for {@code self} in this node's mode, answers with a nonce and its own proof, and checks the
     * connecting node's proof.
     *
     * @throws WireFormatException  for a hello that is malformed, for another node, or in another mode
     * @throws HandshakeRefused     for a wrong proof
     */
    static Proven prove(ByteChannel c, LinkSecurity security, String self) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(FrameFormat.LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (!readFully(c, length)) throw new EOFException("connected and left without a word");
        int n = length.getInt(0);
        if (n <= 0 || n > FrameFormat.MAX_HELLO_BYTES)
            throw new WireFormatException("a hello of " + n + " bytes (at most " + FrameFormat.MAX_HELLO_BYTES + ")");
        ByteBuffer body = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        if (!readFully(c, body)) throw new EOFException("connection closed inside the hello");
        byte[] helloBody = body.array();
        body.flip();
        FrameFormat.Hello hello = FrameFormat.readHello(body);
        if (!hello.to().equals(self))
            throw new WireFormatException("connection meant for node " + hello.to() + ", but this is node " + self);
        if (hello.mode() != security.mode())
            throw new WireFormatException("the connecting node runs its data plane " + modeName(hello.mode().ordinal())
                    + ", this node " + modeName(security.mode().ordinal()));
        byte[] serverNonce = security.nonce();
        byte[] transcript = LinkSecurity.transcript(helloBody, serverNonce);
        ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES);
        reply.put((byte) security.mode().ordinal()).put(serverNonce).put(security.serverProof(transcript)).flip();
        writeFully(c, reply);
        ByteBuffer proof = ByteBuffer.allocate(LinkSecurity.PROOF_BYTES);
        if (!readFully(c, proof)) throw new EOFException("connection closed before the connecting node's proof");
        if (!security.matches(security.clientProof(transcript), proof.array()))
            throw new HandshakeRefused("the connecting node's proof is wrong: it does not hold this job's credentials");
        return new Proven(hello, security.sessionKey(transcript));
    }

    /** Listening side, last: the connecting node may send frames. */
    static void admit(ByteChannel c) throws IOException {
        writeFully(c, ByteBuffer.wrap(new byte[] {ADMITTED}));
    }

    /** A connection refused in the handshake: what the listener logs. */
    static final class HandshakeRefused extends IOException {
        HandshakeRefused(String reason) {
            super(reason);
        }
    }

    private static String modeName(int mode) {
        return mode == LinkSecurity.Mode.SEALED.ordinal() ? "with credentials" : mode == LinkSecurity.Mode.OPEN.ordinal() ? "open (--insecure)" : "in mode " + mode;
    }

    /** Reads until {@code buf} is full; false if the stream ended first. */
    static boolean readFully(ByteChannel c, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (c.read(buf) < 0) return false;
        }
        return true;
    }

    static void writeFully(ByteChannel c, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) c.write(buf);
    }
}
