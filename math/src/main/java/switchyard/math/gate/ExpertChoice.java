package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

import java.util.Arrays;

/**
 * Expert choice (Zhou et al., 2022): every expert takes the {@code C} tokens of the rank with the
 * highest scores for it. Stored in the token-choice layout with one "choice" per expert (k = E):
 * choice e of token s is expert e, its slot is the token's rank in expert e's column (0 = best),
 * and it is kept when that rank is below C, so the assignments of an expert are its C tokens in
 * descending score, as everywhere else in slot order.
 */
final class ExpertChoice {
    private ExpertChoice() {}

    /**
     * Fills {@code expert}, {@code slot} and {@code kept} (flat [S·E]) for {@code scores} [S × E];
     * equal scores go to the lower token.
     */
    static void pick(FMatrixRMaj scores, int capacity, int[] expert, int[] slot, boolean[] kept) {
        int tokens = scores.numRows;
        int experts = scores.numCols;
        long[] keys = new long[tokens];
        for (int e = 0; e < experts; e++) {
            for (int t = 0; t < tokens; t++) keys[t] = (long) descending(scores.data[t * experts + e]) << 32 | t;
            Arrays.sort(keys);
            for (int rank = 0; rank < tokens; rank++) {
                int t = (int) keys[rank];
                int i = t * experts + e;
                expert[i] = e;
                slot[i] = rank;
                kept[i] = rank < capacity;
            }
        }
    }

    /** An int that orders as the float does, reversed: ascending keys are descending scores. */
    private static int descending(float score) {
        int bits = Float.floatToIntBits(score);
        int ascending = bits < 0 ? ~bits : bits | Integer.MIN_VALUE; // unsigned order of the float's order
        return ~ascending ^ Integer.MIN_VALUE; // reversed, then as a signed int
    }
}
