package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;

/**
 * The rows one source rank exchanges with the owner of a contiguous range of experts: for each
 * expert in the range, its kept assignments in slot order, stacked; {@code counts[l]} rows belong to
 * the range's {@code l}-th expert. Carries no padding: an expert with no tokens has count 0.
 * This is the payload of a {@code Dispatch} and of every reply and gradient on the same route.
 */
public record ExpertRows(FMatrixRMaj rows, int[] counts) {
    public ExpertRows {
        long total = 0; // in long: counts that wrap round an int must not pass for a small block
        for (int l = 0; l < counts.length; l++) {
            if (counts[l] < 0) throw new IllegalArgumentException("count[" + l + "] = " + counts[l] + " is negative");
            total += counts[l];
        }
        if (total != rows.numRows)
            throw new IllegalArgumentException("row counts add up to " + total + " but the block has " + rows.numRows + " rows");
    }

    /** Number of experts in the range. */
    public int experts() { return counts.length; }

    /** Index of the first row of the range's {@code l}-th expert. */
    public int firstRowOf(int l) {
        int first = 0;
        for (int i = 0; i < l; i++) first += counts[i];
        return first;
    }

    /** An empty block for {@code experts} experts of width {@code cols}. */
    public static ExpertRows empty(int experts, int cols) {
        return new ExpertRows(new FMatrixRMaj(0, cols), new int[experts]);
    }
}
