package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

/**
 * The load-balancing losses and their gradients with respect to the scores. Each is a sum over
 * experts of a load term (what the experts were given, a constant) times a score term (what the
 * router would give them, differentiable):
 * <ul>
 *   <li>GShard: {@code l_aux = (1/E) Σ_e me_e · ce_e}, {@code me_e = mean_s scores_se},
 *       {@code ce_e = firstChoices_e / S};</li>
 *   <li>sequence-wise (DeepSeek-V3): {@code l_aux = Σ_e f_e · P_e},
 *       {@code f_e = E/(k·S) · selections_e}, {@code P_e = mean_s (scores_se / Σ_e' scores_se')}
 *       (for softmax the denominator is 1).</li>
 * </ul>
 * Routing keeps the score terms as {@code auxScores} and the load terms as {@code auxLoads}.
 */
final class BalanceLoss {
    private BalanceLoss() {}

    /** Fills {@code scoreTerms} and {@code loadTerms} [E] and returns the raw loss; zero for no tokens or {@link AuxLoss#NONE}. */
    static float value(AuxLoss aux, ScoreFunction function, FMatrixRMaj scores, int[] firstChoiceCounts, int[] selections, int k,
                       float[] scoreTerms, float[] loadTerms) {
        int tokens = scores.numRows;
        int experts = scores.numCols;
        if (tokens == 0 || aux == AuxLoss.NONE) return 0f;
        double[] sums = new double[experts];
        boolean perToken = aux == AuxLoss.SEQUENCE && function == ScoreFunction.SIGMOID;
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            double scale = perToken ? 1.0 / tokenSum(scores.data, row, experts) : 1.0;
            for (int e = 0; e < experts; e++) sums[e] += scores.data[row + e] * scale;
        }
        double loss = 0;
        for (int e = 0; e < experts; e++) {
            scoreTerms[e] = (float) (sums[e] / tokens);
            loadTerms[e] = aux == AuxLoss.GSHARD ? (float) firstChoiceCounts[e] / tokens
                    : (float) ((double) experts / ((double) k * tokens) * selections[e]);
            loss += (double) scoreTerms[e] * loadTerms[e];
        }
        return (float) (aux == AuxLoss.GSHARD ? loss / experts : loss);
    }

    /** Adds {@code coefficient · d l_aux / d scores} to {@code dScores} [S × E]. */
    static void addGradient(AuxLoss aux, ScoreFunction function, FMatrixRMaj scores, float[] loadTerms, float coefficient,
                            FMatrixRMaj dScores) {
        int tokens = scores.numRows;
        int experts = scores.numCols;
        if (coefficient == 0f || tokens == 0 || aux == AuxLoss.NONE) return;
        float[] perExpert = new float[experts];
        float norm = aux == AuxLoss.GSHARD ? (float) experts * tokens : tokens;
        for (int e = 0; e < experts; e++) perExpert[e] = coefficient * loadTerms[e] / norm;
        boolean perToken = aux == AuxLoss.SEQUENCE && function == ScoreFunction.SIGMOID;
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            if (!perToken) {
                for (int e = 0; e < experts; e++) dScores.data[row + e] += perExpert[e];
                continue;
            }
            // P_e = mean_s s'_se with s' = s / D: d/ds_m = (f_m − Σ_i f_i·s'_i) / (S·D), times the coefficient
            double denominator = tokenSum(scores.data, row, experts);
            double mean = 0;
            for (int e = 0; e < experts; e++) mean += perExpert[e] * (scores.data[row + e] / denominator);
            for (int e = 0; e < experts; e++) dScores.data[row + e] += (float) ((perExpert[e] - mean) / denominator);
        }
    }

    private static double tokenSum(float[] a, int row, int experts) {
        double sum = 0;
        for (int e = 0; e < experts; e++) sum += a[row + e];
        return sum;
    }
}
