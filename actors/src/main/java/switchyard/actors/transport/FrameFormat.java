package switchyard.actors.transport;

import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireVersion;
import switchyard.actors.wire.WireWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The data plane's byte layout, little-endian like the rest of the wire format. A connection
 * opens with a handshake ({@link LinkHandshake}), then carries message frames in one direction.
 * <pre>
 *   frame   = length:int32 (bytes of the body), body; on a sealed link the body is the AES-GCM
 *             ciphertext of the plain body followed by its 16-byte tag
 *   hello   = magic:int32 ("SWDP"), version:int32, mode:int8 (0 open, 1 sealed),
 *             from:string (the connecting node's address), to:string (the node it meant to reach),
 *             nonce:32 bytes; a frame of at most {@link #MAX_HELLO_BYTES}
 *   message = target:string (Akka's actor-ref format), manifest:string, payload (the serializer's
 *             bytes, up to the end of the body); an empty plain body is a keep-alive
 * </pre>
 */
final class FrameFormat {
    /** "SWDP" as little-endian bytes: a stray client or another protocol is refused at once. */
    static final int MAGIC = 'S' | 'W' << 8 | 'D' << 16 | 'P' << 24;
    static final int VERSION = WireVersion.CURRENT;
    static final int LENGTH_BYTES = 4;
    /** Node addresses and actor paths are short; anything longer is garbage. */
    private static final int MAX_HEADER_STRING = 1024;
    /** A hello is two node addresses and a nonce: anything longer is refused before it is read. */
    static final int MAX_HELLO_BYTES = 4096;

    private FrameFormat() {}

    /** A connecting node's first words: who it is, whom it meant, how it protects the link. */
    record Hello(LinkSecurity.Mode mode, String from, String to, byte[] nonce) {}

    record Header(String target, String manifest) {}

    /** Reserves a frame's length field at the buffer's position; returns where the frame starts. */
    static int begin(ByteBuffer buf) {
        int start = buf.position();
        buf.order(ByteOrder.LITTLE_ENDIAN).putInt(0);
        return start;
    }

    /** Fills in the length of the frame begun at {@code start}; returns the frame's size in bytes. */
    static int end(ByteBuffer buf, int start) {
        int frame = buf.position() - start;
        buf.order(ByteOrder.LITTLE_ENDIAN).putInt(start, frame - LENGTH_BYTES);
        return frame;
    }

    static void writeHello(ByteBuffer buf, Hello hello) {
        int start = begin(buf);
        new WireWriter(buf).putInt(MAGIC).putInt(VERSION).putByte(hello.mode().ordinal()).putString(hello.from())
                .putString(hello.to()).putBytes(hello.nonce());
        end(buf, start);
    }

    static Hello readHello(ByteBuffer body) {
        WireReader in = new WireReader(body, MAX_HEADER_STRING);
        int magic = in.getInt();
        if (magic != MAGIC) throw new WireFormatException(String.format("not a Switchyard data-plane connection (magic 0x%08x)", magic));
        int version = in.getInt();
        if (version != VERSION)
            throw new WireFormatException("data-plane protocol version " + version + ", this node speaks version " + VERSION);
        int mode = in.getByte();
        if (mode < 0 || mode >= LinkSecurity.Mode.values().length) throw new WireFormatException("hello names link mode " + mode);
        Hello hello = new Hello(LinkSecurity.Mode.values()[mode], in.getString(), in.getString(), in.getBytes());
        if (hello.nonce().length != LinkSecurity.NONCE_BYTES)
            throw new WireFormatException("hello carries a nonce of " + hello.nonce().length + " bytes, expected " + LinkSecurity.NONCE_BYTES);
        in.end("hello");
        return hello;
    }

    static void writeHeader(WireWriter out, Header header) {
        out.putString(header.target()).putString(header.manifest());
    }

    /** Reads a message frame's header and leaves {@code body} at the first byte of the payload. */
    static Header readHeader(ByteBuffer body) {
        WireReader in = new WireReader(body, MAX_HEADER_STRING);
        return new Header(in.getString(), in.getString());
    }

    /** A body length read from the wire, checked before anything is allocated for it. */
    static int checkLength(int length, int maxFrameBytes) {
        if (length < 0) throw new WireFormatException("frame length " + length + " is negative");
        if (length > maxFrameBytes)
            throw new WireFormatException("frame of " + length + " bytes exceeds the maximum of " + maxFrameBytes + " (switchyard.data-plane.max-frame-bytes)");
        return length;
    }
}
