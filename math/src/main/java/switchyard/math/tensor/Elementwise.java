package switchyard.math.tensor;

import org.ejml.data.FMatrixRMaj;

/** Element-wise products (input jitter and its backward). */
public final class Elementwise {
    private Elementwise() {}

    /** {@code a ⊙ b} as a new matrix. */
    public static FMatrixRMaj hadamard(FMatrixRMaj a, FMatrixRMaj b) {
        FMatrixRMaj out = a.copy();
        hadamardInPlace(out, b);
        return out;
    }

    /** {@code a ⊙= b}. */
    public static void hadamardInPlace(FMatrixRMaj a, FMatrixRMaj b) {
        if (a.numRows != b.numRows || a.numCols != b.numCols)
            throw new IllegalArgumentException("element-wise product of " + Checks.shape(a) + " and " + Checks.shape(b));
        int n = a.numRows * a.numCols;
        for (int i = 0; i < n; i++) a.data[i] *= b.data[i];
    }
}
