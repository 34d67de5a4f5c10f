package switchyard.actors.wire;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.precision.Bfloat16;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Strict reader of the {@link WireWriter} format. Every length is checked against the bytes that
 * remain and against a configured maximum <em>before</em> anything is allocated, so hostile or
 * truncated input is refused with a {@link WireFormatException}, never an OutOfMemoryError.
 */
public final class WireReader {
    private final ByteBuffer buffer;
    private final int maxElements;
    private final FloatArrays rowArrays;

    public WireReader(ByteBuffer source, int maxElements) {
        this(source, maxElements, FloatArrays.NEW);
    }

    /** A reader whose exchange-part rows ({@link #getRows}, {@link #getRowsBf16}) take their arrays from {@code rowArrays}. */
    public WireReader(ByteBuffer source, int maxElements, FloatArrays rowArrays) {
        this.buffer = source.order(ByteOrder.LITTLE_ENDIAN);
        this.maxElements = maxElements;
        this.rowArrays = rowArrays;
    }

    private void need(long bytes, String what) {
        if (bytes > buffer.remaining())
            throw new WireFormatException("truncated " + what + ": needs " + bytes + " bytes, " + buffer.remaining() + " left");
    }

    private int length(String what, int elementBytes) {
        int n = getInt();
        if (n < 0) throw new WireFormatException("negative length " + n + " for " + what);
        if (n > maxElements) throw new WireFormatException("length " + n + " for " + what + " exceeds the maximum " + maxElements);
        need((long) n * elementBytes, what);
        return n;
    }

    /**
     * Refuses {@code elements} values of {@code what} beyond the configured maximum: for what a
     * message only describes (an exchange part's whole block), which its receiver would allocate.
     */
    public void requireWithinMaximum(long elements, String what) {
        if (elements > maxElements) throw new WireFormatException(what + " exceeds the maximum of " + maxElements + " elements");
    }

    public int getByte() { need(1, "byte"); return buffer.get(); }

    public boolean getBoolean() {
        int b = getByte();
        if (b != 0 && b != 1) throw new WireFormatException("boolean byte is " + b);
        return b == 1;
    }

    public int getInt() { need(4, "int"); return buffer.getInt(); }
    public long getLong() { need(8, "long"); return buffer.getLong(); }
    public float getFloat() { need(4, "float"); return buffer.getFloat(); }
    public double getDouble() { need(8, "double"); return buffer.getDouble(); }

    /** An int that must lie in {@code [min, max]}. */
    public int getInt(String what, int min, int max) {
        int v = getInt();
        if (v < min || v > max) throw new WireFormatException(what + " is " + v + ", expected " + min + ".." + max);
        return v;
    }

    public String getString() {
        int n = length("string", 1);
        byte[] bytes = new byte[n];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] getBytes() {
        int n = length("bytes", 1);
        byte[] bytes = new byte[n];
        buffer.get(bytes);
        return bytes;
    }

    public int[] getInts() {
        int n = length("int array", 4);
        int[] out = new int[n];
        buffer.asIntBuffer().get(out);
        buffer.position(buffer.position() + 4 * n);
        return out;
    }

    public long[] getLongs() {
        int n = length("long array", 8);
        long[] out = new long[n];
        buffer.asLongBuffer().get(out);
        buffer.position(buffer.position() + 8 * n);
        return out;
    }

    public float[] getFloats() {
        int n = length("float array", 4);
        float[] out = new float[n];
        buffer.asFloatBuffer().get(out);
        buffer.position(buffer.position() + 4 * n);
        return out;
    }

    public boolean[] getBooleans() {
        int n = length("boolean array", 1);
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) out[i] = getBoolean();
        return out;
    }

    public FMatrixRMaj getMatrix() {
        return getMatrix(FloatArrays.NEW);
    }

    /** A matrix in the {@link #getMatrix} layout holding the rows of an exchange part (its array may be reused later). */
    public FMatrixRMaj getRows() {
        return getMatrix(rowArrays);
    }

    /**
     * Exchange-part rows written by {@link WireWriter#putMatrixRowsBf16}, widened to float32 (every
     * 16-bit pattern is a bfloat16, so only the shape and length can be wrong).
     */
    public FMatrixRMaj getRowsBf16() {
        FMatrixRMaj m = matrixOfShape(rowArrays, 2, "bfloat16 matrix");
        int n = m.getNumElements();
        java.nio.ShortBuffer shorts = buffer.asShortBuffer();
        for (int i = 0; i < n; i++) m.data[i] = Bfloat16.toFloat(shorts.get());
        buffer.position(buffer.position() + 2 * n);
        return m;
    }

    private FMatrixRMaj getMatrix(FloatArrays arrays) {
        FMatrixRMaj m = matrixOfShape(arrays, 4, "matrix");
        int n = m.getNumElements();
        buffer.asFloatBuffer().get(m.data, 0, n);
        buffer.position(buffer.position() + 4 * n);
        return m;
    }

    /**
     * Reads a matrix's shape and checks it (not negative, within the element limit, and that many
     * values of {@code valueBytes} left in the buffer); returns a matrix of that shape to fill.
     */
    private FMatrixRMaj matrixOfShape(FloatArrays arrays, int valueBytes, String what) {
        int rows = getInt();
        int cols = getInt();
        if (rows < 0 || cols < 0) throw new WireFormatException("negative matrix shape " + rows + "x" + cols);
        long n = (long) rows * cols;
        if (n > maxElements) throw new WireFormatException("matrix " + rows + "x" + cols + " exceeds the maximum of " + maxElements + " elements");
        need(valueBytes * n, what + " " + rows + "x" + cols);
        return FMatrixRMaj.wrap(rows, cols, arrays.take((int) n));
    }

    /**
     * Skips whatever is left: only for a message of another wire version, whose stable head was
     * read and whose rest this build cannot read (see {@link WireVersion}).
     */
    public void skipRest() {
        buffer.position(buffer.limit());
    }

    /** Fails unless every byte was consumed: trailing garbage means a format mismatch. */
    public void end(String manifest) {
        if (buffer.hasRemaining())
            throw new WireFormatException(buffer.remaining() + " unexpected trailing bytes after a " + manifest + " message");
    }
}
