package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.ExpertRows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A contiguous run of rows of one exchanged block. {@code counts} describes the whole block (rows
 * per expert of the owner's range, in slot order — the run-length form of the (local expert, slot)
 * tags); this part holds rows {@code firstRow .. firstRow + rows.numRows - 1}. A block that fits
 * in one frame travels as a single part; a larger one is split so that no message exceeds the
 * transport's frame and a credit window can pace the sender.
 */
public record RowPart(int[] counts, int firstRow, FMatrixRMaj rows) {
    public RowPart {
        int total = 0;
        for (int c : counts) {
            if (c < 0) throw new IllegalArgumentException("negative row count in " + Arrays.toString(counts));
            total += c;
        }
        if (firstRow < 0 || firstRow + rows.numRows > total)
            throw new IllegalArgumentException("part rows " + firstRow + ".." + (firstRow + rows.numRows - 1)
                    + " outside a block of " + total + " rows");
    }

    /** Rows in the whole block. */
    public int total() {
        int total = 0;
        for (int c : counts) total += c;
        return total;
    }

    /** The whole block as one part. */
    public static RowPart whole(ExpertRows block) {
        return new RowPart(block.counts(), 0, block.rows());
    }

    /**
     * The block as parts of at most {@code maxRows} rows each (at least one part, even when empty).
     * {@code maxRows <= 0} means one part.
     */
    public static List<RowPart> split(ExpertRows block, int maxRows) {
        int total = block.rows().numRows;
        if (maxRows <= 0 || total <= maxRows) return List.of(whole(block));
        int cols = block.rows().numCols;
        List<RowPart> parts = new ArrayList<>((total + maxRows - 1) / maxRows);
        for (int first = 0; first < total; first += maxRows) {
            int n = Math.min(maxRows, total - first);
            FMatrixRMaj rows = new FMatrixRMaj(n, cols);
            System.arraycopy(block.rows().data, first * cols, rows.data, 0, n * cols);
            parts.add(new RowPart(block.counts(), first, rows));
        }
        return parts;
    }
}
