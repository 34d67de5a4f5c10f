package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

/** Picks each token's k experts. */
final class Choices {
    private Choices() {}

    /**
     * First choice: argmax of the gates. Later choices: argmax over the experts not yet chosen of
     * {@code logits + gumbel} (or of the logits alone when {@code gumbel} is null). Ties go to the
     * lowest index, as in the reference.
     *
     * @param chosen receives the experts, flat [S·k] with choice j of token s at {@code s·k + j}
     */
    static void topK(FMatrixRMaj gates, FMatrixRMaj logits, GumbelChoice gumbel, int k, int[] chosen) {
        int tokens = gates.numRows;
        int experts = gates.numCols;
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            chosen[s * k] = argmax(gates.data, row, experts, null, 0, chosen, s * k, 0);
            for (int j = 1; j < k; j++) {
                chosen[s * k + j] = gumbel == null
                        ? argmax(logits.data, row, experts, null, 0, chosen, s * k, j)
                        : gumbel.argmax(logits.data, row, experts, s, chosen, s * k, j);
            }
        }
    }

    /** Argmax of {@code a[row+e] (+ b[bRow+e])} over experts not among the first {@code taken} choices. */
    static int argmax(float[] a, int row, int experts, float[] b, int bRow, int[] chosen, int first, int taken) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int e = 0; e < experts; e++) {
            if (isTaken(chosen, first, taken, e)) continue;
            float v = b == null ? a[row + e] : a[row + e] + b[bRow + e];
            if (best < 0 || v > bestValue) {
                best = e;
                bestValue = v;
            }
        }
        return best;
    }

    static boolean isTaken(int[] chosen, int first, int taken, int e) {
        for (int j = 0; j < taken; j++) if (chosen[first + j] == e) return true;
        return false;
    }
}
