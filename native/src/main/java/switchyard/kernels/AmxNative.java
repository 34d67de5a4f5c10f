package switchyard.kernels;

import java.nio.ByteBuffer;

/**
 * The native AMX kernels (src/main/c, built by Maven into the jar) and whether they can run here.
 * The library is loaded and the CPU and kernel asked once, when this class initialises; nothing
 * else in it may be called unless {@link #UNAVAILABLE} is null.
 *
 * <p>Packed operands are bfloat16 pairs in direct buffers, which never move, so the native side
 * can use them from a 64-byte boundary on (see {@link #packedBuffer}): a 32-row panel of A (or
 * 32-column panel of B) takes {@link #STEP_BYTES} bytes per 32 values of k. The native side trusts
 * every index it is given; {@link AmxProduct} is the only caller.
 */
final class AmxNative {

    /** Rows of an A panel, columns of a B panel, and values of k per step. */
    static final int PANEL = 32;
    /** Bytes of a packed panel per k step: four 16×32 bfloat16 tiles (hi and lo halves of 32 rows). */
    static final int STEP_BYTES = 4 * 16 * 32 * 2;
    /** The native side starts a packed buffer at its first address that is a multiple of this. */
    private static final int ALIGNMENT = 64;

    private static final String LIBRARY = "libswitchyard_amx.so";

    /** Null when the kernels can run in this process; otherwise why not, in words for a log line. */
    static final String UNAVAILABLE = load();

    private AmxNative() {
    }

    /** 0 when ready; 1 when the CPU lacks AMX; 2 | errno &lt;&lt; 8 when Linux refused the tile state. */
    private static native int init();

    /** Packs B panels {@code [jp0, jp1)} of the logical k×n B (b, or bᵀ when {@code trans}). */
    static native void packB(float[] b, boolean trans, int ldb, int k, int n, int jp0, int jp1, ByteBuffer packed);

    /**
     * Rows of panels {@code [ip0, ip1)} × columns of panels {@code [jp0, jp1)} of the row-major m×n
     * {@code c}: {@code c (+)= A·B}, then {@code + bias} (null: none) and ReLU. Packs those rows of
     * the logical A (a, or aᵀ when {@code transA}) into {@code scratch} first; {@code packedB} holds
     * all of B, packed by {@link #packB} with the same {@code transB}. With {@code bf16} the
     * operands are taken as rounded to bfloat16 (one tile product per step, not three).
     */
    static native void multiplyBlock(float[] a, boolean transA, int lda, ByteBuffer packedB, boolean transB,
                                     ByteBuffer scratch, float[] c, int m, int n, int k, int ip0, int ip1, int jp0, int jp1,
                                     boolean accumulate, float[] bias, boolean relu, boolean bf16);

    /**
     * {@code rounds} rounds of four tile products on operands that stay in tile registers (all 1.0);
     * returns an accumulator element, exactly 32·rounds for rounds below 2¹⁹.
     */
    static native float tileLoop(int rounds);

    static int panels(int size) {
        return (size + PANEL - 1) / PANEL;
    }

    /** {@code buffer} if it holds {@code panels} packed panels of {@code k}, else a large enough new one. */
    static ByteBuffer packedBuffer(ByteBuffer buffer, int panels, int k) {
        long bytes = (long) panels * panels(k) * STEP_BYTES + ALIGNMENT;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("operand too large to pack for AMX: " + panels + " panels of k = " + k);
        }
        return buffer != null && buffer.capacity() >= bytes ? buffer : ByteBuffer.allocateDirect((int) bytes);
    }

    private static String load() {
        return JarLibrary.loadAndAsk(LIBRARY, "the AMX kernel", "amx", AmxNative::init, status -> switch (status & 0xff) {
            case 1 -> "this CPU has no AMX-BF16";
            case 2 -> "Linux refused this process the AMX tile state (errno " + (status >>> 8) + ")";
            default -> "the AMX kernel answered " + status + " when asked whether it can run";
        });
    }
}
