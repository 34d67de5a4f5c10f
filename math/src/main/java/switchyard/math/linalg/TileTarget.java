package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;

/**
 * Where a {@link MicroKernel} call reads its start value, how it finishes, and where it writes:
 * one {@link MicroKernel#MR}×{@link MicroKernel#NR} tile. Mutable and reused per thread.
 *
 * <p>Options are turned into data rather than flags (a start tile of zeros when not accumulating,
 * a bias row of zeros when there is no bias, a floor of −∞ when there is no ReLU) so the kernel
 * runs the same straight-line epilogue every time. A branch there would merge vector values at a
 * join, and C2 (JDK 17) then keeps them boxed: once both sides of such a branch have been taken,
 * the kernel runs on heap objects, many times slower.
 */
final class TileTarget {

    private static final float[] ZERO_TILE = new float[MR * NR];
    private static final float[] ZERO_ROW = new float[NR];

    /** Row-major output holding the tile. */
    float[] c;
    /** Index of the tile's top-left cell in {@link #c}. */
    int offset;
    /** Row length of {@link #c}. */
    int ldc;
    /** Start value C₀: the tile itself when accumulating, else zeros. */
    float[] start;
    int startOffset;
    int startLd;
    /** Added to column j after the sum: {@code bias[biasOffset + j]}, zeros when there is no bias. */
    float[] bias;
    int biasOffset;
    /** Results are clamped to at least this: 0 for ReLU, −∞ otherwise. */
    float floor;

    /**
     * @param load start from the tile's current content (else from zero)
     * @param bias row added after the sum, or null
     * @param relu clamp negatives to zero after the bias
     */
    TileTarget set(float[] c, int offset, int ldc, boolean load, float[] bias, int biasOffset, boolean relu) {
        this.c = c;
        this.offset = offset;
        this.ldc = ldc;
        this.start = load ? c : ZERO_TILE;
        this.startOffset = load ? offset : 0;
        this.startLd = load ? ldc : NR;
        this.bias = bias != null ? bias : ZERO_ROW;
        this.biasOffset = bias != null ? biasOffset : 0;
        this.floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        return this;
    }
}
