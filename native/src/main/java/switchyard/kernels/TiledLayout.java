package switchyard.kernels;

import java.nio.ByteBuffer;

/**
 * How the AVX-512 kernels (float32 and AVX512-BF16) lay out packed operands, and the buffers that
 * hold them: both pack 32-bit steps of k (one float32 value, or a pair of bfloat16 values) into
 * panels of {@link #PANEL} columns of B, rows of A in whole cache lines and one line more, or tiles of
 * {@link #TILE_ROWS} rows of A transposed (src/main/c: avx512_tile.h, f32_pack.h, bf16_pack.h). Buffers are
 * direct, so they never move, and the native side uses them from their first 64-byte boundary on.
 */
final class TiledLayout {

    /** Columns of a packed B panel: the micro-kernel's tile width (NR in avx512_tile.h). */
    static final int PANEL = 64;
    /** Rows of the micro-kernel's tile (MR in avx512_tile.h): packed A is read in groups of as many rows. */
    static final int TILE_ROWS = 6;
    /** The native side starts a packed buffer at its first address that is a multiple of this. */
    private static final int ALIGNMENT = 64;

    /** One float32 value of k per step. */
    static final TiledLayout FLOAT32 = new TiledLayout(1, "AVX-512");
    /** A pair of bfloat16 values of k per step. */
    static final TiledLayout BFLOAT16_PAIRS = new TiledLayout(2, "AVX512-BF16");

    private final int valuesPerStep;
    private final String kernel;

    private TiledLayout(int valuesPerStep, String kernel) {
        this.valuesPerStep = valuesPerStep;
        this.kernel = kernel;
    }

    static int panels(int n) {
        return groups(n, PANEL);
    }

    /** Groups of {@code size} that hold {@code count} things, summed in long: counts near 2³¹ do not wrap round. */
    static int groups(int count, int size) {
        return (int) ((count + (long) size - 1) / size);
    }

    /** Steps holding k values of k. */
    int steps(int k) {
        return (int) ((k + valuesPerStep - 1L) / valuesPerStep);
    }

    /** {@code buffer} if it holds all of a packed B with n columns, else a large enough new one. */
    ByteBuffer packedB(ByteBuffer buffer, int n, int k) {
        return atLeast(buffer, bytesB(n, k), "B of ", n, " columns", k);
    }

    /** {@code buffer} if it holds all of a packed A transposed with m rows, else a large enough new one. */
    ByteBuffer packedTransposedA(ByteBuffer buffer, int m, int k) {
        return atLeast(buffer, bytesTransposedA(m, k), "A of ", m, " rows", k);
    }

    /** {@code buffer} if it holds {@code rows} packed rows of A (and the tile rows they round up to), else a new one. */
    ByteBuffer packedRows(ByteBuffer buffer, int rows, int k) {
        return atLeast(buffer, bytesRows(rows, k), "A: ", rows, " rows", k);
    }

    /**
     * True when the packed operands of an m×n product over k (B whole; A transposed whole, or
     * {@code rowsOfA} packed rows of it) fit the direct buffers that hold them, at most 2 GiB each.
     */
    boolean fits(int m, int n, int k, boolean transA, int rowsOfA) {
        long a = transA ? bytesTransposedA(m, k) : bytesRows(rowsOfA, k);
        return Math.max(a, bytesB(n, k)) + ALIGNMENT <= Integer.MAX_VALUE;
    }

    // The sizes follow the strides of avx512_tile.h: a panel of B, or a tile of rows of A
    // transposed, and one cache line; rows of A rounded up to a cache line, and one line.

    private long bytesB(int n, int k) {
        return panels(n) * ((long) steps(k) * PANEL + 16) * 4;
    }

    private long bytesTransposedA(int m, int k) {
        return groups(m, TILE_ROWS) * ((long) steps(k) * TILE_ROWS + 16) * 4;
    }

    private long bytesRows(int rows, int k) {
        long rowSteps = groups(steps(k), 16) * 16L + 16;
        return (long) groups(rows, TILE_ROWS) * TILE_ROWS * rowSteps * 4;
    }

    // The operand is described in pieces, put together only for the refusal: this runs for every
    // part of every product, which should allocate nothing on the way through.
    private ByteBuffer atLeast(ByteBuffer buffer, long needed, String operand, int size, String unit, int k) {
        long bytes = needed + ALIGNMENT;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("operand too large to pack for " + kernel + ": " + operand + size + unit + ", k = " + k);
        }
        return buffer != null && buffer.capacity() >= bytes ? buffer : ByteBuffer.allocateDirect((int) bytes);
    }
}
