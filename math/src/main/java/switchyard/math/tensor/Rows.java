package switchyard.math.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/** Row-block copies between matrices of the same width, and adding one row into another. */
public final class Rows {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Rows() {}

    /**
     * {@code dst[dstAt + i] += w · src[srcAt + i]} for {@code i < n}: a multiply then an add per
     * element, the same two roundings as the scalar loop, on whole vectors.
     *
     * <p>The broadcast weight is the receiver of each multiply, not its argument: with four inlining
     * levels and the ReLU mask's pass run before it in the same JVM, C2 could not unbox the
     * loop-invariant vector as the argument ("unbox failed" under -XX:+PrintIntrinsics), and every
     * iteration allocated its vectors (see ShallowInliningAllocationTest).
     */
    public static void addScaled(float[] src, int srcAt, float w, float[] dst, int dstAt, int n) {
        int full = F.loopBound(n);
        int i = 0;
        FloatVector wv = FloatVector.broadcast(F, w); // once, not per iteration: see VectorColumnSums.reluMaskAndAdd
        for (; i < full; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, dst, dstAt + i);
            d.add(wv.mul(FloatVector.fromArray(F, src, srcAt + i))).intoArray(dst, dstAt + i);
        }
        for (; i < n; i++) dst[dstAt + i] += w * src[srcAt + i];
    }

    /**
     * Four {@link #addScaled} calls in a row, with rows {@code srcAt}, {@code srcAt + stride},
     * {@code srcAt + 2·stride} and {@code srcAt + 3·stride} of {@code src} scaled by {@code w0 … w3}:
     * each element gets the same four multiply-then-add roundings in the same order, but
     * {@code dst} is loaded and stored once instead of four times.
     */
    public static void addScaled4(float[] src, int srcAt, int stride, float w0, float w1, float w2, float w3,
                                  float[] dst, int dstAt, int n) {
        int full = F.loopBound(n);
        int i = 0;
        FloatVector v0 = FloatVector.broadcast(F, w0), v1 = FloatVector.broadcast(F, w1);
        FloatVector v2 = FloatVector.broadcast(F, w2), v3 = FloatVector.broadcast(F, w3);
        for (; i < full; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, dst, dstAt + i);
            d = d.add(v0.mul(FloatVector.fromArray(F, src, srcAt + i)));
            d = d.add(v1.mul(FloatVector.fromArray(F, src, srcAt + stride + i)));
            d = d.add(v2.mul(FloatVector.fromArray(F, src, srcAt + 2 * stride + i)));
            d = d.add(v3.mul(FloatVector.fromArray(F, src, srcAt + 3 * stride + i)));
            d.intoArray(dst, dstAt + i);
        }
        for (; i < n; i++) {
            float d = dst[dstAt + i];
            d += w0 * src[srcAt + i];
            d += w1 * src[srcAt + stride + i];
            d += w2 * src[srcAt + 2 * stride + i];
            d += w3 * src[srcAt + 3 * stride + i];
            dst[dstAt + i] = d;
        }
    }

    /** Copies rows {@code fromRow .. fromRow+count-1} of {@code from} into {@code to} from row {@code toRow} on. */
    public static void copy(FMatrixRMaj from, int fromRow, FMatrixRMaj to, int toRow, int count) {
        if (from.numCols != to.numCols)
            throw new IllegalArgumentException("cannot copy rows of a " + Checks.shape(from) + " matrix into a "
                    + Checks.shape(to) + " one");
        if (count < 0 || fromRow < 0 || toRow < 0 || fromRow + count > from.numRows || toRow + count > to.numRows)
            throw new IllegalArgumentException(count + " rows from row " + fromRow + " of a " + Checks.shape(from)
                    + " matrix to row " + toRow + " of a " + Checks.shape(to) + " one");
        int cols = from.numCols;
        System.arraycopy(from.data, fromRow * cols, to.data, toRow * cols, count * cols);
    }
}
