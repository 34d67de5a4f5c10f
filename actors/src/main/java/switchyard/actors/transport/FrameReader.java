package switchyard.actors.transport;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads whole frames from a blocking channel into one reused direct buffer, which grows to the
 * largest frame seen (never past the maximum). The body handed out is valid until the next call.
 */
final class FrameReader {
    private static final int INITIAL = 64 * 1024;

    private final ReadableByteChannel in;
    private final int maxFrameBytes;
    private final ByteBuffer length = ByteBuffer.allocateDirect(FrameFormat.LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer body = ByteBuffer.allocateDirect(INITIAL).order(ByteOrder.LITTLE_ENDIAN);

    FrameReader(ReadableByteChannel in, int maxFrameBytes) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * The next frame's body (position 0, limit at its end), or null when the stream ended cleanly
     * between frames. A stream that ends inside a frame is an {@link EOFException}; a length out of
     * bounds a {@link switchyard.actors.wire.WireFormatException}.
     */
    ByteBuffer next() throws IOException {
        length.clear();
        if (!fill(length, true)) return null;
        int n = FrameFormat.checkLength(length.getInt(0), maxFrameBytes);
        if (body.capacity() < n) {
            body = ByteBuffer.allocateDirect((int) Math.min(maxFrameBytes, Math.max(n, 2L * body.capacity())))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        body.clear().limit(n);
        fill(body, false);
        body.flip();
        return body;
    }

    /** Reads until {@code buf} is full; false if the stream ended before its first byte and that is allowed. */
    private boolean fill(ByteBuffer buf, boolean endAllowed) throws IOException {
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
