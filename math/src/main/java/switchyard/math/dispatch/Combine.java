package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.gate.Routing;
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

    /** {@code dWeight[s·k+j] = dOut[s] · y} for each expert output row {@code y} in {@code outputs}. */
    public static void weightGradients(Routing routing, int from, ExpertRows outputs, FMatrixRMaj dOut, float[] dWeight) {
        checkBlock(routing, from, outputs, dOut.numCols);
        FMatrixRMaj rows = outputs.rows();
        int cols = dOut.numCols;
        int first = routing.assignmentOffset(from);
        for (int i = 0; i < rows.numRows; i++) {
            int flat = routing.assignmentAt(first + i);
            int g = (flat / routing.topK()) * cols;
            int y = i * cols;
            dWeight[flat] = VectorMath.dot(dOut.data, g, rows.data, y, cols);
        }
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
