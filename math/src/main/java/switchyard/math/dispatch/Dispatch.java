package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.gate.Routing;
import switchyard.math.tensor.Buffers;

/**
 * Sparse dispatch: gathers the rows a routing sends to a range of experts. Row copies only, no
 * dense {@code S×E×C} tensor. The same gather, scaled by the combine weights, is the first half of
 * the combine backward (output gradients travel the forward route).
 */
public final class Dispatch {
    private Dispatch() {}

    /**
     * The rows of {@code source} [S × M] assigned to experts {@code from..to-1}, in (expert, slot)
     * order; each row multiplied by its combine weight when {@code scaleByWeight}. Written into
     * {@code rows} (reshaped) and {@code counts} ({@code to − from} entries), which the result wraps.
     */
    public static ExpertRows gather(Routing routing, FMatrixRMaj source, int from, int to, boolean scaleByWeight,
                                    FMatrixRMaj rows, int[] counts) {
        if (source.numRows != routing.tokens())
            throw new IllegalArgumentException("gather source has " + source.numRows + " rows but routing has "
                    + routing.tokens() + " tokens");
        if (counts.length != to - from)
            throw new IllegalArgumentException("row counts for " + counts.length + " experts, gathering " + (to - from));
        int cols = source.numCols;
        for (int e = from; e < to; e++) counts[e - from] = routing.tokensAt(e);
        Buffers.reshapeRows(rows, routing.tokensAt(from, to), cols);
        int first = routing.assignmentOffset(from);
        for (int i = 0; i < rows.numRows; i++) {
            int flat = routing.assignmentAt(first + i);
            int src = (flat / routing.topK()) * cols;
            int dst = i * cols;
            if (scaleByWeight) {
                float w = routing.weightAt(flat);
                for (int c = 0; c < cols; c++) rows.data[dst + c] = w * source.data[src + c];
            } else {
                System.arraycopy(source.data, src, rows.data, dst, cols);
            }
        }
        return new ExpertRows(rows, counts);
    }
}
