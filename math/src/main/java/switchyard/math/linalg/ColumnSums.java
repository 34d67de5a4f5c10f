package switchyard.math.linalg;

import org.ejml.data.FMatrixRMaj;

/**
 * The two row-streaming passes of the expert backward: bias gradients (column sums) and the ReLU
 * mask. They touch every element of an [n×H] matrix once, so as scalar loops they cost a sizeable
 * share of a matrix product (the mask's data-dependent branch mispredicts about half the time).
 * Both are elementwise per column, summing rows in increasing order, so the Vector API version and
 * the scalar fallback (for JVMs without {@code jdk.incubator.vector}) give bit-identical results.
 */
public final class ColumnSums {
    private ColumnSums() {}

    /** {@code into[c] += Σ_r m[r][c]}, rows in increasing order; {@code into} is [1 × cols]. */
    public static void add(FMatrixRMaj m, FMatrixRMaj into) {
        check(m, into);
        if (VectorApi.PRESENT) VectorColumnSums.add(m.data, m.numRows, m.numCols, into.data);
        else ScalarColumnSums.add(m.data, m.numRows, m.numCols, into.data);
    }

    /**
     * ReLU backward fused with its bias gradient: {@code grad[i] = 0} wherever
     * {@code activation[i] <= 0} (ReLU'(0) = 0; NaN passes), then {@code into += column sums of grad}.
     * One pass instead of two over the largest matrix of the backward.
     */
    public static void reluMaskAndAdd(FMatrixRMaj activation, FMatrixRMaj grad, FMatrixRMaj into) {
        if (activation.numRows != grad.numRows || activation.numCols != grad.numCols)
            throw new IllegalArgumentException("ReLU mask of shape " + activation.numRows + "x" + activation.numCols
                    + " for a gradient of shape " + grad.numRows + "x" + grad.numCols);
        check(grad, into);
        if (VectorApi.PRESENT) VectorColumnSums.reluMaskAndAdd(activation.data, grad.data, grad.numRows, grad.numCols, into.data);
        else ScalarColumnSums.reluMaskAndAdd(activation.data, grad.data, grad.numRows, grad.numCols, into.data);
    }

    private static void check(FMatrixRMaj m, FMatrixRMaj into) {
        if (into.numRows != 1 || into.numCols != m.numCols)
            throw new IllegalArgumentException("column-sum target must be 1x" + m.numCols + ", got "
                    + into.numRows + "x" + into.numCols);
    }

    /** Resolved once: {@link VectorColumnSums} may only be loaded when the module is present. */
    private static final class VectorApi {
        static final boolean PRESENT = MatMuls.vectorApiAvailable();
    }
}
