package switchyard.kernels;

import java.nio.ByteBuffer;

/**
 * The native AVX512-BF16 kernels (src/main/c/bf16_*, built by Maven into the jar as their own
 * library) and whether they can run here. The library is loaded and the CPU asked once, when this
 * class initialises; nothing else in it may be called unless {@link #UNAVAILABLE} is null.
 *
 * <p>Packed operands are bfloat16 pairs (32 bits each) in direct buffers, which never move, so the
 * native side can use them from a 64-byte boundary on: B as panels of {@link #PANEL} columns, A
 * as rows of {@link #rowWords} pairs, or (A transposed) as tiles of {@link #TILE_ROWS} rows; the
 * layouts are described in bf16_pack.h. The native side trusts every index it is given;
 * {@link Avx512Bf16Product} is the only caller.
 */
final class Avx512Bf16Native {

    /** Columns of a packed B panel: the micro-kernel's tile width (NR in bf16_kernel.h). */
    static final int PANEL = 64;
    /** Rows of the micro-kernel's tile (MR in bf16_kernel.h): packed A is read in groups of as many rows. */
    static final int TILE_ROWS = 6;
    /** The native side starts a packed buffer at its first address that is a multiple of this. */
    private static final int ALIGNMENT = 64;

    private static final String LIBRARY = "libswitchyard_avx512bf16.so";

    /** Null when the kernels can run in this process; otherwise why not, in words for a log line. */
    static final String UNAVAILABLE = load();

    private Avx512Bf16Native() {
    }

    /** 0 when ready; 1 without AVX512 F/BW/VL; 2 without AVX512-BF16; 3 when the OS does not save zmm state. */
    private static native int init();

    /**
     * Packs part of the logical k×n B: panels {@code [from, to)} of bᵀ when {@code trans}, else
     * pairs of k {@code [from, to)} of b (either way the source is read along its rows).
     */
    static native void packB(float[] b, boolean trans, int ldb, int k, int n, int from, int to, ByteBuffer packed);

    /** Packs pairs of k {@code [q0, q1)} of all m rows of the logical A = aᵀ (a is k×m). */
    static native void packTransposedA(float[] a, int lda, int k, int m, int q0, int q1, ByteBuffer packed);

    /**
     * Rows {@code [i0, i1)} × columns of panels {@code [jp0, jp1)} of the row-major c (n columns):
     * {@code c (+)= A·B}, then {@code + bias} (null: none) and ReLU; {@code packedB} holds all of
     * B, packed by {@link #packB}. With {@code transA}, {@code packedA} holds all of A, packed by
     * {@link #packTransposedA}, and i0 is a multiple of {@link #TILE_ROWS}; otherwise it is scratch
     * into which those rows of a are packed first.
     */
    static native void multiplyBlock(float[] a, boolean transA, int lda, ByteBuffer packedB, ByteBuffer packedA,
                                     float[] c, int n, int k, int i0, int i1, int jp0, int jp1,
                                     boolean accumulate, float[] bias, boolean relu);

    /** {@code rounds} rounds of 24 independent VDPBF16PS on registers (operands 1.0); returns 48·rounds. */
    static native float dotLoop(int rounds);

    static int panels(int n) {
        return (n + PANEL - 1) / PANEL;
    }

    /** Pairs of k: k/2 rounded up. */
    static int pairs(int k) {
        return (int) ((k + 1L) / 2);
    }

    /**
     * 32-bit words from one packed row of A to the next: the pairs rounded up to a cache line plus
     * one line, so that rows 4 KiB apart do not share L1 sets (rowWords in bf16_pack.h).
     */
    static long rowWords(int k) {
        return (pairs(k) + 15) / 16 * 16 + 16;
    }

    /** {@code buffer} if it holds all of a packed B with n columns, else a large enough new one. */
    static ByteBuffer packedB(ByteBuffer buffer, int n, int k) {
        // A panel and one cache line (panelWordsB in bf16_pack.h).
        return atLeast(buffer, panels(n) * ((long) pairs(k) * PANEL + 16) * 4, "B of " + n + " columns, k = " + k);
    }

    /** {@code buffer} if it holds all of a packed A transposed with m rows, else a large enough new one. */
    static ByteBuffer packedTransposedA(ByteBuffer buffer, int m, int k) {
        // A tile of rows and one cache line (panelWordsA in bf16_pack.h).
        long tiles = (m + TILE_ROWS - 1L) / TILE_ROWS;
        return atLeast(buffer, tiles * ((long) pairs(k) * TILE_ROWS + 16) * 4, "A of " + m + " rows, k = " + k);
    }

    /** {@code buffer} if it holds {@code rows} packed rows of A (and the tile rows they round up to), else a new one. */
    static ByteBuffer packedRows(ByteBuffer buffer, int rows, int k) {
        long tileRows = (rows + TILE_ROWS - 1L) / TILE_ROWS * TILE_ROWS;
        return atLeast(buffer, tileRows * rowWords(k) * 4, "A: " + rows + " rows of k = " + k);
    }

    private static ByteBuffer atLeast(ByteBuffer buffer, long needed, String what) {
        long bytes = needed + ALIGNMENT;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("operand too large to pack for AVX512-BF16: " + what);
        }
        return buffer != null && buffer.capacity() >= bytes ? buffer : ByteBuffer.allocateDirect((int) bytes);
    }

    private static String load() {
        if ("off".equalsIgnoreCase(System.getProperty("switchyard.avx512bf16", "on").trim())) {
            return "switched off with -Dswitchyard.avx512bf16=off";
        }
        String notLoaded = JarLibrary.load(LIBRARY, "the AVX512-BF16 kernel");
        if (notLoaded != null) {
            return notLoaded;
        }
        int status = init();
        return switch (status) {
            case 0 -> null;
            case 1 -> "this CPU lacks AVX-512 (F, BW and VL)";
            case 2 -> "this CPU has no AVX512-BF16";
            case 3 -> "the operating system does not save AVX-512 register state";
            default -> "the AVX512-BF16 kernel answered " + status + " when asked whether it can run";
        };
    }
}
