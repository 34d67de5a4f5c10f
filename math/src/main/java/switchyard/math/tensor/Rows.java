package switchyard.math.tensor;

import org.ejml.data.FMatrixRMaj;

import java.util.List;

/** Row-block copies: stacking blocks on top of each other and cutting them apart again. */
public final class Rows {
    private Rows() {}

    /** Stacks the matrices vertically; all must have {@code cols} columns. */
    public static FMatrixRMaj concat(List<FMatrixRMaj> blocks, int cols) {
        int rows = 0;
        for (FMatrixRMaj b : blocks) {
            if (b.numCols != cols)
                throw new IllegalArgumentException("cannot stack a " + Checks.shape(b) + " block under " + cols + " columns");
            rows += b.numRows;
        }
        FMatrixRMaj out = new FMatrixRMaj(rows, cols);
        int at = 0;
        for (FMatrixRMaj b : blocks) {
            int n = b.numRows * cols;
            System.arraycopy(b.data, 0, out.data, at, n);
            at += n;
        }
        return out;
    }

    /** Rows {@code first .. first+count-1} of {@code m} as a new matrix. */
    public static FMatrixRMaj slice(FMatrixRMaj m, int first, int count) {
        if (first < 0 || count < 0 || first + count > m.numRows)
            throw new IllegalArgumentException("rows " + first + ".." + (first + count - 1) + " outside a "
                    + Checks.shape(m) + " matrix");
        FMatrixRMaj out = new FMatrixRMaj(count, m.numCols);
        System.arraycopy(m.data, first * m.numCols, out.data, 0, count * m.numCols);
        return out;
    }
}
