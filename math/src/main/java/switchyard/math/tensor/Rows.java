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
     */
    public static void addScaled(float[] src, int srcAt, float w, float[] dst, int dstAt, int n) {
        int full = F.loopBound(n);
        int i = 0;
        for (; i < full; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, dst, dstAt + i);
            d.add(FloatVector.fromArray(F, src, srcAt + i).mul(w)).intoArray(dst, dstAt + i);
        }
        for (; i < n; i++) dst[dstAt + i] += w * src[srcAt + i];
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
