package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.VectorMath;

/**
 * Row-wise softmax, stable (max subtracted). With E in the thousands (routing studies of large
 * clusters) this loop rivals the logits product, so exp runs vectorised in float and only the row
 * sum is accumulated in double; the result differs from an all-double softmax by float rounding.
 */
final class Softmax {
    private Softmax() {}

    /** Writes softmax of each row of {@code logits} into {@code out} and each row's log-sum-exp into {@code logSumExp}. */
    static void rows(FMatrixRMaj logits, FMatrixRMaj out, float[] logSumExp) {
        int rows = logits.numRows;
        int cols = logits.numCols;
        for (int s = 0; s < rows; s++) {
            int row = s * cols;
            float max = VectorMath.max(logits.data, row, cols);
            VectorMath.expShifted(logits.data, row, cols, max, out.data, row);
            double sum = VectorMath.sum(out.data, row, cols);
            VectorMath.scale(out.data, row, cols, (float) (1.0 / sum));
            logSumExp[s] = (float) (max + Math.log(sum));
        }
    }
}
