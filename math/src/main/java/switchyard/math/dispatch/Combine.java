package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.gate.Routing;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Rows;
import switchyard.math.tensor.VectorMath;

/**
 * Sparse combine: a weighted scatter-add of expert rows back onto their tokens, and its backward.
 * The unweighted scatter-add is also the last step of the dispatch backward (input gradients come
 * home the way the tokens left).
 */
public final class Combine {
    private Combine() {}

    /**
     * {@code target[s] += (w ·) rows[i]} for every row of {@code block}, which holds the assignments of
     * experts {@code from..from+block.experts()-1} in (expert, slot) order.
     */
    public static void scatterAdd(Routing routing, int from, ExpertRows block, boolean scaleByWeight, FMatrixRMaj target) {
        checkBlock(routing, from, block, target.numCols);
        FMatrixRMaj rows = block.rows();
        int cols = target.numCols;
        int first = routing.assignmentOffset(from);
        for (int i = 0; i < rows.numRows; i++) {
            int flat = routing.assignmentAt(first + i);
            int dst = (flat / routing.topK()) * cols;
            int src = i * cols;
            float w = scaleByWeight ? routing.weightAt(flat) : 1f;
            Rows.addScaled(rows.data, src, w, target.data, dst, cols);
        }
    }

    /**
     * The combine's backward for the experts of {@code outputs}, which start at {@code from}:
     * {@code dWeight[s·k+j] = dOut[s] · y} for each output row {@code y}, and the rows
     * {@code w·dOut[s]} for the same assignments, in the same order, written into {@code rows}
     * (reshaped) and {@code counts}, which the result wraps. One pass that reads each output row
     * once: {@code rows} may be the very block the outputs are in (in one JVM the owner answered in
     * the block the tokens went out in), as a row is overwritten only after its product.
     */
    public static ExpertRows backward(Routing routing, int from, ExpertRows outputs, FMatrixRMaj dOut, float[] dWeight,
                                      FMatrixRMaj rows, int[] counts) {
        checkBlock(routing, from, outputs, dOut.numCols);
        if (dOut.numRows != routing.tokens())
            throw new IllegalArgumentException("output gradient has " + dOut.numRows + " rows but routing has "
                    + routing.tokens() + " tokens");
        if (counts.length != outputs.experts())
            throw new IllegalArgumentException("row counts for " + counts.length + " experts, answering " + outputs.experts());
        float[] y = outputs.rows().data; // before the reshape below, which may replace rows' storage
        int n = outputs.rows().numRows;
        int cols = dOut.numCols;
        System.arraycopy(outputs.counts(), 0, counts, 0, counts.length);
        Buffers.reshapeRows(rows, n, cols);
        int first = routing.assignmentOffset(from);
        for (int i = 0; i < n; i++) {
            int flat = routing.assignmentAt(first + i);
            int g = (flat / routing.topK()) * cols;
            int at = i * cols;
            dWeight[flat] = VectorMath.dot(dOut.data, g, y, at, cols);
            float w = routing.weightAt(flat);
            for (int c = 0; c < cols; c++) rows.data[at + c] = w * dOut.data[g + c];
        }
        return new ExpertRows(rows, counts);
    }

    private static void checkBlock(Routing routing, int from, ExpertRows block, int cols) {
        if (block.rows().numCols != cols)
            throw new IllegalArgumentException("block rows are " + block.rows().numCols + " wide, expected " + cols);
        for (int l = 0; l < block.experts(); l++) {
            if (block.counts()[l] != routing.tokensAt(from + l))
                throw new IllegalArgumentException("expert " + (from + l) + " returned " + block.counts()[l]
                        + " rows but routing kept " + routing.tokensAt(from + l) + " tokens for it");
        }
    }
}
