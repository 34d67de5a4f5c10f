package switchyard.math.tensor;

import org.ejml.data.FMatrixRMaj;

/** Row-block copies between matrices of the same width. */
public final class Rows {
    private Rows() {}

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
