package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.VectorMath;

/**
 * Each token's affinity scores for the experts, from its logits, and the log-sum-exp of the logits
 * (the z-loss's input, which the softmax gets for free). The exp is {@link VectorMath}'s, so the
 * scores are the same bits on every machine.
 */
final class Scores {
    private Scores() {}

    /**
     * Writes the scores of every row of {@code logits} into {@code scores} and each row's
     * log-sum-exp into {@code logSumExp} (for sigmoid scores only when {@code needLogSumExp}: the
     * z-loss is the only reader).
     */
    static void compute(ScoreFunction function, FMatrixRMaj logits, FMatrixRMaj scores, float[] logSumExp, boolean needLogSumExp) {
        if (function == ScoreFunction.SOFTMAX) {
            Softmax.rows(logits, scores, logSumExp);
            return;
        }
        int rows = logits.numRows;
        int cols = logits.numCols;
        for (int s = 0; s < rows; s++) VectorMath.sigmoid(logits.data, s * cols, cols, scores.data, s * cols);
        if (needLogSumExp) {
            float[] row = new float[cols];
            for (int s = 0; s < rows; s++) logSumExp[s] = logSumExp(logits.data, s * cols, cols, row);
        } else {
            java.util.Arrays.fill(logSumExp, 0, rows, 0f);
        }
    }

    /** {@code log Σ_e exp(a[from+e])}, stable; {@code scratch} holds at least {@code length} floats. */
    static float logSumExp(float[] a, int from, int length, float[] scratch) {
        float max = VectorMath.max(a, from, length);
        VectorMath.expShifted(a, from, length, max, scratch, 0);
        return (float) (max + Math.log(VectorMath.sum(scratch, 0, length)));
    }
}
