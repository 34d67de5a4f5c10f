package switchyard.actors.transport;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads whole frames from a blocking channel into one reused direct buffer, which grows to the
 * largest frame seen (never past the maximum); on a sealed link each body is opened (checked and
 * decrypted) into a second one. The body handed out is valid until the next call. While a frame is
 * half read, {@link #readingSince} says since when, so that a peer that stalls mid-frame is caught.
 */
final class FrameReader {
    private static final int INITIAL = 64 * 1024;

    private final ReadableByteChannel in;
    private final int maxFrameBytes;
    private final ByteBuffer length = ByteBuffer.allocateDirect(FrameFormat.LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final FrameCipher opener;
    private ByteBuffer body = ByteBuffer.allocateDirect(INITIAL).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer plain;
    /** System.nanoTime() when the frame being read began arriving, or 0 between frames. */
    private volatile long readingSince;

    FrameReader(ReadableByteChannel in, int maxFrameBytes) {
        this(in, maxFrameBytes, null);
    }

    /** A reader of a sealed link's frames when {@code opener} is not null. */
    FrameReader(ReadableByteChannel in, int maxFrameBytes, FrameCipher opener) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes + (opener == null ? 0 : FrameCipher.TAG_BYTES);
        this.opener = opener;
        if (opener != null) plain = ByteBuffer.allocateDirect(INITIAL).order(ByteOrder.LITTLE_ENDIAN);
    }

    long readingSince() {
        return readingSince;
    }

    /**
     * The next frame's body (position 0, limit at its end), or null when the stream ended cleanly
     * between frames. A stream that ends inside a frame is an {@link EOFException}; a length out of
     * bounds a {@link switchyard.actors.wire.WireFormatException}.
     */
    ByteBuffer next() throws IOException {
        length.clear();
        if (!fill(length, true)) return null;
        readingSince = System.nanoTime();
        int n = FrameFormat.checkLength(length.getInt(0), maxFrameBytes);
        body = room(body, n);
        body.clear().limit(n);
        fill(body, false);
        body.flip();
        readingSince = 0;
        if (opener == null) return body;
        plain = room(plain, n);
        plain.clear();
        opener.open(body, plain);
        plain.flip();
        return plain;
    }

    /** {@code buf}, or a larger one (doubling, never past the maximum) if it holds less than {@code n} bytes. */
    private ByteBuffer room(ByteBuffer buf, int n) {
        if (buf.capacity() >= n) return buf;
        return ByteBuffer.allocateDirect((int) Math.min(maxFrameBytes, Math.max(n, 2L * buf.capacity()))).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads until {@code buf} is full; false if the stream ended before its first byte and that is allowed. */
    boolean fill(ByteBuffer buf, boolean endAllowed) throws IOException {
        int wanted = buf.remaining();
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                int got = wanted - buf.remaining();
                if (got == 0 && endAllowed) return false;
                throw new EOFException("connection closed inside a frame (" + got + " of " + wanted
                        + (endAllowed ? " length bytes)" : " body bytes)"));
            }
        }
        return true;
    }
}
