package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

/** Row-wise softmax, stable (max subtracted), accumulated in double. */
final class Softmax {
    private Softmax() {}

    /** Writes softmax of each row of {@code logits} into {@code out}; returns each row's log-sum-exp. */
    static float[] rows(FMatrixRMaj logits, FMatrixRMaj out) {
        int rows = logits.numRows;
        int cols = logits.numCols;
        float[] logSumExp = new float[rows];
        double[] exp = new double[cols];
        for (int s = 0; s < rows; s++) {
            int row = s * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < cols; e++) max = Math.max(max, logits.data[row + e]);
            double sum = 0;
            for (int e = 0; e < cols; e++) {
                exp[e] = Math.exp((double) logits.data[row + e] - max);
                sum += exp[e];
            }
            for (int e = 0; e < cols; e++) out.data[row + e] = (float) (exp[e] / sum);
            logSumExp[s] = (float) (max + Math.log(sum));
        }
        return logSumExp;
    }
}
