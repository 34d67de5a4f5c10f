package switchyard.kernels;

import java.nio.ByteBuffer;

/**
 * The native AVX-512 float32 kernel (src/main/c/f32_*, built by Maven into the jar as its own
 * library) and whether it can run here. The library is loaded and the CPU asked once, when this
 * class initialises; nothing else in it may be called unless {@link #UNAVAILABLE} is null.
 *
 * <p>Packed operands are float32 values laid out as {@link TiledLayout} says and f32_pack.h
 * describes. The native side trusts every index it is given; {@link TiledProduct} is
 * the only caller.
 */
final class Avx512Native implements TiledNatives {

    private static final String LIBRARY = "libswitchyard_avx512.so";

    /** Null when the kernel can run in this process; otherwise why not, in words for a log line. */
    static final String UNAVAILABLE = load();
    /** The product's entry points (instance methods, so that {@link TiledProduct} can take either kernel's). */
    static final TiledNatives TILES = new Avx512Native();

    private Avx512Native() {
    }

    /** 0 when ready; 1 without AVX512 F/BW/VL; 3 when the OS does not save zmm state. */
    private static native int init();

    @Override
    public TiledLayout layout() {
        return TiledLayout.FLOAT32;
    }

    @Override
    public native void packB(float[] b, boolean trans, int ldb, int k, int n, int from, int to, ByteBuffer packed);

    @Override
    public native void packTransposedA(float[] a, int lda, int k, int m, int q0, int q1, ByteBuffer packed);

    @Override
    public native void multiplyBlock(float[] a, boolean transA, int lda, ByteBuffer packedB, ByteBuffer packedA,
                                     float[] c, int n, int k, int i0, int i1, int jp0, int jp1,
                                     boolean accumulate, float[] bias, boolean relu);

    private static String load() {
        return JarLibrary.loadAndAsk(LIBRARY, "the AVX-512 float32 kernel", "avx512", Avx512Native::init,
                status -> JarLibrary.avx512Refusal(status, "the AVX-512 float32 kernel"));
    }
}
