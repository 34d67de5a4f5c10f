package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.gate.Routing;
import switchyard.math.tensor.Buffers;

/**
 * Sparse dispatch: gathers the rows a routing sends to one owner's expert slots. Row copies only, no
 * dense {@code S×E×C} tensor. Output gradients travel the same route ({@link Combine#backward}).
 */
public final class Dispatch {
    private Dispatch() {}

    /**
     * The rows of {@code source} [S × M] that {@code route} sends to {@code owner}: for each of its
     * slots in order, the slot's range of its expert's assignments. Written into {@code rows}
     * (reshaped) and {@code counts} (one entry per slot), which the result wraps. Under the static
     * map these are the rows of the owner's experts in (expert, slot) order.
     */
    public static ExpertRows gather(Routing routing, FMatrixRMaj source, SlotRoute route, int owner, FMatrixRMaj rows, int[] counts) {
        if (source.numRows != routing.tokens())
            throw new IllegalArgumentException("gather source has " + source.numRows + " rows but routing has "
                    + routing.tokens() + " tokens");
        if (counts.length != route.slotsPerRank())
            throw new IllegalArgumentException("row counts for " + counts.length + " slots, the owner has " + route.slotsPerRank());
        int cols = source.numCols;
        Buffers.reshapeRows(rows, route.rowsTo(owner), cols);
        int i = 0;
        for (int s = 0; s < counts.length; s++) {
            int n = route.count(owner, s);
            int first = route.firstAssignment(owner, s);
            counts[s] = n;
            for (int k = 0; k < n; k++, i++) {
                int src = (routing.assignmentAt(first + k) / routing.topK()) * cols;
                System.arraycopy(source.data, src, rows.data, i * cols, cols);
            }
        }
        return new ExpertRows(rows, counts);
    }
}
