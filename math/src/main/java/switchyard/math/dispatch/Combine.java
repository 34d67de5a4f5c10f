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
     * {@code target[s] += (w ·) rows[firstRow + i]} for the {@code n} assignments from the routing's
     * index {@code firstAssignment} on ({@link Routing#assignmentAt}), in order: one slot's rows of a
     * block under a placement ({@link SlotRoute}).
     */
    public static void scatterAdd(Routing routing, int firstAssignment, FMatrixRMaj rows, int firstRow, int n,
                                  boolean scaleByWeight, FMatrixRMaj target) {
        if (rows.numCols != target.numCols)
            throw new IllegalArgumentException("block rows are " + rows.numCols + " wide, expected " + target.numCols);
        if (firstRow < 0 || n < 0 || firstRow + n > rows.numRows)
            throw new IllegalArgumentException("rows " + firstRow + ".." + (firstRow + n - 1) + " of a block of " + rows.numRows);
        int cols = target.numCols;
        for (int i = 0; i < n; i++) {
            int flat = routing.assignmentAt(firstAssignment + i);
            int dst = (flat / routing.topK()) * cols;
            int src = (firstRow + i) * cols;
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
        System.arraycopy(outputs.counts(), 0, counts, 0, counts.length);
        Buffers.reshapeRows(rows, n, dOut.numCols);
        backwardRange(routing, routing.assignmentOffset(from), n, y, 0, dOut, dWeight, rows.data);
        return new ExpertRows(rows, counts);
    }

    /**
     * {@link #backward(Routing, int, ExpertRows, FMatrixRMaj, float[], FMatrixRMaj, int[])} for the
     * block {@code route} sent {@code owner}: slot by slot, each over its range of its expert's
     * assignments. The same one pass, so {@code rows} may be the block the outputs are in.
     */
    public static ExpertRows backward(Routing routing, SlotRoute route, int owner, ExpertRows outputs, FMatrixRMaj dOut,
                                      float[] dWeight, FMatrixRMaj rows, int[] counts) {
        if (outputs.rows().numCols != dOut.numCols)
            throw new IllegalArgumentException("block rows are " + outputs.rows().numCols + " wide, expected " + dOut.numCols);
        if (dOut.numRows != routing.tokens())
            throw new IllegalArgumentException("output gradient has " + dOut.numRows + " rows but routing has "
                    + routing.tokens() + " tokens");
        if (counts.length != outputs.experts() || outputs.experts() != route.slotsPerRank())
            throw new IllegalArgumentException("row counts for " + counts.length + " slots, answering " + outputs.experts()
                    + ", the owner has " + route.slotsPerRank());
        for (int s = 0; s < counts.length; s++) {
            if (outputs.counts()[s] != route.count(owner, s))
                throw new IllegalArgumentException("slot " + s + " of rank " + owner + " returned " + outputs.counts()[s]
                        + " rows but " + route.count(owner, s) + " were sent");
        }
        float[] y = outputs.rows().data; // before the reshape below, which may replace rows' storage
        System.arraycopy(outputs.counts(), 0, counts, 0, counts.length);
        Buffers.reshapeRows(rows, outputs.rows().numRows, dOut.numCols);
        int row = 0;
        for (int s = 0; s < counts.length; s++) {
            int n = counts[s];
            backwardRange(routing, route.firstAssignment(owner, s), n, y, row, dOut, dWeight, rows.data);
            row += n;
        }
        return new ExpertRows(rows, counts);
    }

    /** The combine's backward for {@code n} assignments from {@code firstAssignment}, whose output rows start at {@code row}. */
    private static void backwardRange(Routing routing, int firstAssignment, int n, float[] y, int row, FMatrixRMaj dOut,
                                      float[] dWeight, float[] into) {
        int cols = dOut.numCols;
        for (int i = 0; i < n; i++) {
            int flat = routing.assignmentAt(firstAssignment + i);
            int g = (flat / routing.topK()) * cols;
            int at = (row + i) * cols;
            dWeight[flat] = VectorMath.dot(dOut.data, g, y, at, cols);
            float w = routing.weightAt(flat);
            for (int c = 0; c < cols; c++) into[at + c] = w * dOut.data[g + c];
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
