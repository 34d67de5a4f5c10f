package switchyard.kernels;

import java.nio.ByteBuffer;

/**
 * The native entry points of one AVX-512 kernel (src/main/c/tiled_gemm.h, built once per kernel),
 * which {@link TiledProduct} shares work out over. The native side trusts every index it is
 * given: TiledProduct is the only caller.
 */
interface TiledNatives {

    /** How this kernel packs its operands. */
    TiledLayout layout();

    /**
     * Packs part of the logical k×n B: panels {@code [from, to)} of bᵀ when {@code trans}, else
     * steps of k {@code [from, to)} of b (either way the source is read along its rows).
     */
    void packB(float[] b, boolean trans, int ldb, int k, int n, int from, int to, ByteBuffer packed);

    /** Packs steps of k {@code [q0, q1)} of all m rows of the logical A = aᵀ (a is k×m). */
    void packTransposedA(float[] a, int lda, int k, int m, int q0, int q1, ByteBuffer packed);

    /**
     * Rows {@code [i0, i1)} × columns of panels {@code [jp0, jp1)} of the row-major c (n columns):
     * {@code c (+)= A·B}, then {@code + bias} (null: none) and ReLU; {@code packedB} holds all of
     * B, packed by {@link #packB}. With {@code transA}, {@code packedA} holds all of A, packed by
     * {@link #packTransposedA}, and i0 is a multiple of {@link TiledLayout#TILE_ROWS}; otherwise
     * it is scratch into which those rows of a are packed first.
     */
    void multiplyBlock(float[] a, boolean transA, int lda, ByteBuffer packedB, ByteBuffer packedA,
                       float[] c, int n, int k, int i0, int i1, int jp0, int jp1,
                       boolean accumulate, float[] bias, boolean relu);
}
