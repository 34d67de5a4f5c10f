package switchyard.math.tensor;

import org.ejml.data.FMatrixRMaj;

/** Input validation with messages that name the tensor, the shape and the offending entry. */
public final class Checks {
    private Checks() {}

    /** Throws naming {@code what}, the row and the column of the first NaN or infinite value. */
    public static void finite(String what, FMatrixRMaj m) {
        int n = m.numRows * m.numCols;
        if (VectorMath.allFinite(m.data, 0, n)) return;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(m.data[i])) {
                throw new IllegalArgumentException(what + " has a non-finite value " + m.data[i] + " at row "
                        + (i / m.numCols) + ", column " + (i % m.numCols) + " (shape " + shape(m) + ")");
            }
        }
    }

    /** Whether {@code m} holds only finite values: no NaN, no infinity. */
    public static boolean allFinite(FMatrixRMaj m) {
        return VectorMath.allFinite(m.data, 0, m.numRows * m.numCols);
    }

    /** Throws unless {@code m} is {@code rows × cols}. */
    public static void shape(String what, FMatrixRMaj m, int rows, int cols) {
        if (m.numRows != rows || m.numCols != cols)
            throw new IllegalArgumentException(what + " must be " + rows + "x" + cols + ", got " + shape(m));
    }

    public static String shape(FMatrixRMaj m) {
        return m.numRows + "x" + m.numCols;
    }
}
