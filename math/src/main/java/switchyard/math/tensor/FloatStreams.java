package switchyard.math.tensor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Float arrays to and from a byte stream, big-endian and bit-exact (raw bits, NaN payloads kept),
 * through a caller's scratch array: one bulk write or read per chunk instead of one call per float,
 * and never a byte array the size of the data, so an array of any length streams.
 */
public final class FloatStreams {
    private FloatStreams() {}

    /** A scratch array of about {@code bytes} bytes: a whole number of floats, at least one. */
    public static byte[] scratch(int bytes) {
        return new byte[Math.max(Float.BYTES, bytes - bytes % Float.BYTES)];
    }

    /** Writes {@code data[from, from + n)}, {@code scratch.length / 4} floats at a time. */
    public static void write(DataOutput out, float[] data, int from, int n, byte[] scratch) throws IOException {
        int chunk = scratch.length / Float.BYTES;
        for (int done = 0; done < n; ) {
            int k = Math.min(chunk, n - done);
            ByteBuffer.wrap(scratch, 0, k * Float.BYTES).asFloatBuffer().put(data, from + done, k);
            out.write(scratch, 0, k * Float.BYTES);
            done += k;
        }
    }

    /** Reads {@code n} floats into {@code into[from, from + n)}; a stream that ends first throws {@link java.io.EOFException}. */
    public static void readFully(DataInput in, float[] into, int from, int n, byte[] scratch) throws IOException {
        int chunk = scratch.length / Float.BYTES;
        for (int done = 0; done < n; ) {
            int k = Math.min(chunk, n - done);
            in.readFully(scratch, 0, k * Float.BYTES);
            ByteBuffer.wrap(scratch, 0, k * Float.BYTES).asFloatBuffer().get(into, from + done, k);
            done += k;
        }
    }
}
