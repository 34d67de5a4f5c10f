package switchyard.actors.wire;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.precision.Bfloat16;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the binary format: little-endian, lengths as ints before every array, float payloads
 * as raw IEEE bits. Writes straight into Artery's buffer, or into a growable heap buffer when
 * {@code toBinary} wants a {@code byte[]}.
 */
public final class WireWriter {
    private ByteBuffer buffer;
    private final boolean growable;

    /** Writes into {@code target} (e.g. Artery's pooled buffer); overflowing it is the caller's error. */
    public WireWriter(ByteBuffer target) {
        this.buffer = target.order(ByteOrder.LITTLE_ENDIAN);
        this.growable = false;
    }

    /** Writes into a heap buffer that grows as needed. */
    public WireWriter(int initialCapacity) {
        this.buffer = ByteBuffer.allocate(Math.max(64, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
        this.growable = true;
    }

    private void ensure(long bytes) {
        if (!growable || buffer.remaining() >= bytes) return;
        long needed = buffer.position() + bytes;
        if (needed > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("message too large: " + needed + " bytes");
        int capacity = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * buffer.capacity()));
        ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        buffer.flip();
        grown.put(buffer);
        buffer = grown;
    }

    public WireWriter putByte(int b) { ensure(1); buffer.put((byte) b); return this; }
    public WireWriter putBoolean(boolean b) { return putByte(b ? 1 : 0); }
    public WireWriter putInt(int v) { ensure(4); buffer.putInt(v); return this; }
    public WireWriter putLong(long v) { ensure(8); buffer.putLong(v); return this; }
    public WireWriter putFloat(float v) { ensure(4); buffer.putFloat(v); return this; }
    public WireWriter putDouble(double v) { ensure(8); buffer.putDouble(v); return this; }

    public WireWriter putString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putInt(bytes.length);
        ensure(bytes.length);
        buffer.put(bytes);
        return this;
    }

    public WireWriter putBytes(byte[] bytes) {
        putInt(bytes.length);
        ensure(bytes.length);
        buffer.put(bytes);
        return this;
    }

    public WireWriter putInts(int[] values) {
        putInt(values.length);
        ensure(4L * values.length);
        buffer.asIntBuffer().put(values);
        buffer.position(buffer.position() + 4 * values.length);
        return this;
    }

    public WireWriter putLongs(long[] values) {
        putInt(values.length);
        ensure(8L * values.length);
        buffer.asLongBuffer().put(values);
        buffer.position(buffer.position() + 8 * values.length);
        return this;
    }

    public WireWriter putFloats(float[] values, int offset, int length) {
        putInt(length);
        ensure(4L * length);
        buffer.asFloatBuffer().put(values, offset, length);
        buffer.position(buffer.position() + 4 * length);
        return this;
    }

    public WireWriter putFloats(float[] values) {
        return putFloats(values, 0, values.length);
    }

    public WireWriter putBooleans(boolean[] values) {
        putInt(values.length);
        ensure(values.length);
        for (boolean v : values) buffer.put((byte) (v ? 1 : 0));
        return this;
    }

    /** Rows, columns, then {@code rows·cols} floats. */
    public WireWriter putMatrix(FMatrixRMaj m) {
        return putMatrixRows(m, 0, m.numRows);
    }

    /** Rows {@code first .. first + rows - 1} of {@code m}, in the layout of {@link #putMatrix}. */
    public WireWriter putMatrixRows(FMatrixRMaj m, int first, int rows) {
        putInt(rows);
        putInt(m.numCols);
        int n = rows * m.numCols;
        ensure(4L * n);
        buffer.asFloatBuffer().put(m.data, first * m.numCols, n);
        buffer.position(buffer.position() + 4 * n);
        return this;
    }

    /**
     * Rows {@code first .. first + rows - 1} of {@code m} as bfloat16: the shape, then each value's
     * upper 16 bits, rounded to nearest even (exact for values that already are bfloat16).
     */
    public WireWriter putMatrixRowsBf16(FMatrixRMaj m, int first, int rows) {
        putInt(rows);
        putInt(m.numCols);
        int n = rows * m.numCols;
        ensure(2L * n);
        java.nio.ShortBuffer shorts = buffer.asShortBuffer();
        for (int i = first * m.numCols, end = i + n; i < end; i++) shorts.put(Bfloat16.bits(m.data[i]));
        buffer.position(buffer.position() + 2 * n);
        return this;
    }

    /** The bytes written so far (growable mode). */
    public byte[] toByteArray() {
        byte[] out = new byte[buffer.position()];
        buffer.duplicate().flip().get(out);
        return out;
    }
}
