package switchyard.kernels;

import java.nio.ByteBuffer;

/**
 * The native AVX512-BF16 kernels (src/main/c/bf16_*, built by Maven into the jar as their own
 * library) and whether they can run here. The library is loaded and the CPU asked once, when this
 * class initialises; nothing else in it may be called unless {@link #UNAVAILABLE} is null.
 *
 * <p>Packed operands are bfloat16 pairs (32 bits each) laid out as {@link TiledLayout} says and
 * bf16_pack.h describes. The native side trusts every index it is given; {@link TiledProduct} is
 * the only caller.
 */
final class Avx512Bf16Native implements TiledNatives {

    private static final String LIBRARY = "libswitchyard_avx512bf16.so";

    /** Null when the kernels can run in this process; otherwise why not, in words for a log line. */
    static final String UNAVAILABLE = load();
    /** The product's entry points (instance methods, so that {@link TiledProduct} can take either kernel's). */
    static final TiledNatives TILES = new Avx512Bf16Native();

    private Avx512Bf16Native() {
    }

    /** 0 when ready; 1 without AVX512 F/BW/VL; 2 without AVX512-BF16; 3 when the OS does not save zmm state. */
    private static native int init();

    @Override
    public TiledLayout layout() {
        return TiledLayout.BFLOAT16_PAIRS;
    }

    @Override
    public native void packB(float[] b, boolean trans, int ldb, int k, int n, int from, int to, ByteBuffer packed);

    @Override
    public native void packTransposedA(float[] a, int lda, int k, int m, int q0, int q1, ByteBuffer packed);

    @Override
    public native void multiplyBlock(float[] a, boolean transA, int lda, ByteBuffer packedB, ByteBuffer packedA,
                                     float[] c, int n, int k, int i0, int i1, int jp0, int jp1,
                                     boolean accumulate, float[] bias, boolean relu);

    /** {@code rounds} rounds of 24 independent VDPBF16PS on registers (operands 1.0); returns 48·rounds. */
    static native float dotLoop(int rounds);

    private static String load() {
        return JarLibrary.loadAndAsk(LIBRARY, "the AVX512-BF16 kernel", "avx512bf16", Avx512Bf16Native::init,
                status -> JarLibrary.avx512Refusal(status, "the AVX512-BF16 kernel"));
    }
}
