package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.gate.Routing;

/**
 * Sparse dispatch: gathers the rows a routing sends to a range of experts. Row copies only, no
 * dense {@code S×E×C} tensor. The same gather, scaled by the combine weights, is the first half of
 * the combine backward (output gradients travel the forward route).
 */
public final class Dispatch {
    private Dispatch() {}

    /**
     * The rows of {@code source} [S × M] assigned to experts {@code from..to-1}, in (expert, slot)
     * order; each row multiplied by its combine weight when {@code scaleByWeight}.
     */
    public static ExpertRows gather(Routing routing, FMatrixRMaj source, int from, int to, boolean scaleByWeight) {
        if (source.numRows != routing.tokens())
            throw new IllegalArgumentException("gather source has " + source.numRows + " rows but routing has "
                    + routing.tokens() + " tokens");
        int cols = source.numCols;
        int[] counts = new int[to - from];
        for (int e = from; e < to; e++) counts[e - from] = routing.tokensAt(e);
        FMatrixRMaj rows = new FMatrixRMaj(routing.tokensAt(from, to), cols);
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
