package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

/**
 * DeepSeek-V3's token choice (its inference code's {@code Gate.forward}): each token's experts are
 * the k best of {@code scores + bias} among the experts of its best groups, in descending order.
 * The bias only steers the choice; the weights come from the unbiased scores. Ties go to the lower
 * index, for groups and experts alike.
 */
final class Selection {
    private final int experts;
    private final int groups;
    private final int keptGroups;
    private final int k;
    private final float[] bias;
    private final float[] selection;
    private final float[] groupScores;
    private final boolean[] candidate;
    private final boolean[] groupKept;

    /**
     * @param bias     the selection bias [E], or null: with a bias a group scores the sum of its two
     *                 best experts, without it its best expert
     */
    Selection(int experts, int groups, int keptGroups, int k, float[] bias) {
        this.experts = experts;
        this.groups = groups;
        this.keptGroups = keptGroups;
        this.k = k;
        this.bias = bias;
        this.selection = new float[experts];
        this.groupScores = new float[groups];
        this.candidate = new boolean[experts];
        this.groupKept = new boolean[groups];
    }

    /**
     * Chooses for every token of {@code scores} [S × E] into {@code chosen} (flat [S·k], choice j of
     * token s at {@code s·k + j}); with a group limit, writes each token's kept groups in ascending
     * order into {@code groupsOut} (flat [S·TG]) and counts the tokens whose k experts span each
     * number of groups into {@code groupsSpanned} ([G + 1]).
     */
    void choose(FMatrixRMaj scores, int[] chosen, int[] groupsOut, int[] groupsSpanned) {
        int tokens = scores.numRows;
        int perGroup = experts / groups;
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            for (int e = 0; e < experts; e++) selection[e] = bias == null ? scores.data[row + e] : scores.data[row + e] + bias[e];
            if (groups > 1) {
                keepBestGroups(perGroup);
                for (int e = 0; e < experts; e++) candidate[e] = groupKept[e / perGroup];
                int n = 0;
                for (int g = 0; g < groups; g++) if (groupKept[g]) groupsOut[s * keptGroups + n++] = g;
            } else {
                java.util.Arrays.fill(candidate, true);
            }
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (candidate[e] && (best < 0 || selection[e] > selection[best])) best = e;
                }
                chosen[s * k + j] = best;
                candidate[best] = false;
            }
            if (groups > 1) groupsSpanned[spanned(chosen, s * k, perGroup)]++;
        }
    }

    /** Marks the {@code keptGroups} groups with the highest scores (sum of the best two with a bias, else the best). */
    private void keepBestGroups(int perGroup) {
        for (int g = 0; g < groups; g++) {
            float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
            for (int e = g * perGroup; e < (g + 1) * perGroup; e++) {
                float v = selection[e];
                if (v > first) {
                    second = first;
                    first = v;
                } else if (v > second) {
                    second = v;
                }
            }
            groupScores[g] = bias == null ? first : first + second;
            groupKept[g] = false;
        }
        for (int i = 0; i < keptGroups; i++) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
                if (!groupKept[g] && (best < 0 || groupScores[g] > groupScores[best])) best = g;
            }
            groupKept[best] = true;
        }
    }

    /** How many distinct groups the k experts of one token fall in. */
    private int spanned(int[] chosen, int first, int perGroup) {
        int n = 0;
        for (int j = 0; j < k; j++) {
            int g = chosen[first + j] / perGroup;
            boolean seen = false;
            for (int i = 0; i < j; i++) seen |= chosen[first + i] / perGroup == g;
            if (!seen) n++;
        }
        return n;
    }
}
