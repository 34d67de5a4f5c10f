package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.precision.Bfloat16;

import java.util.ArrayList;
import java.util.List;

/**
 * A contiguous run of rows of one exchanged block. {@code counts} describes the whole block (rows
 * per expert of the owner's range, in slot order — the run-length form of the (local expert, slot)
 * tags); this part holds block rows {@code firstRow .. firstRow + numRows - 1}, which are rows
 * {@code sourceRow ..} of {@code source}. Splitting a block makes views of it, not copies: the
 * serializer writes each part's rows straight from the block, and a received part has a matrix
 * of its own ({@code sourceRow} 0). Like every message payload, {@code source} is never changed
 * after sending. A block that fits in one frame travels as a single part; a larger one is split
 * so that no message exceeds the transport's frame and a credit window can pace the sender.
 * {@code encoding} says how its rows are written on the wire; a {@link RowEncoding#BF16} part's
 * rows are already bfloat16 values.
 */
public record RowPart(int[] counts, int firstRow, FMatrixRMaj source, int sourceRow, int numRows, RowEncoding encoding) {
    /** Rows written as float32. */
    public RowPart(int[] counts, int firstRow, FMatrixRMaj source, int sourceRow, int numRows) {
        this(counts, firstRow, source, sourceRow, numRows, RowEncoding.FP32);
    }

    public RowPart {
        if (encoding == null) throw new IllegalArgumentException("row encoding missing");
        long total = rowsIn(counts);
        if (numRows < 0 || sourceRow < 0 || (long) sourceRow + numRows > source.numRows)
            throw new IllegalArgumentException("part of " + numRows + " rows from row " + sourceRow + " of a " + source.numRows + "-row matrix");
        if (firstRow < 0 || (long) firstRow + numRows > total)
            throw new IllegalArgumentException("part rows " + firstRow + ".." + ((long) firstRow + numRows - 1)
                    + " outside a block of " + total + " rows");
    }

    /**
     * Rows in a block with these counts, summed in {@code long} so that hostile counts cannot wrap
     * round to a small total; a negative count, or a total no int can index, is refused.
     */
    public static long rowsIn(int[] counts) {
        long total = 0;
        for (int l = 0; l < counts.length; l++) {
            if (counts[l] < 0) throw new IllegalArgumentException("count[" + l + "] = " + counts[l] + " is negative");
            total += counts[l];
        }
        if (total > Integer.MAX_VALUE)
            throw new IllegalArgumentException("row counts add up to " + total + " rows, more than a block can hold");
        return total;
    }

    /** A part that is all of {@code rows}. */
    public RowPart(int[] counts, int firstRow, FMatrixRMaj rows) {
        this(counts, firstRow, rows, 0, rows.numRows);
    }

    /** A part with all of {@code rows} as it arrived in {@code encoding}. */
    public RowPart(int[] counts, int firstRow, FMatrixRMaj rows, RowEncoding encoding) {
        this(counts, firstRow, rows, 0, rows.numRows, encoding);
    }

    /**
     * This part to be written in {@code e}: for {@link RowEncoding#BF16} its rows are first rounded
     * to bfloat16 in place (the sender's block, before it is sent and so before anyone else reads it).
     */
    public RowPart encodedAs(RowEncoding e) {
        if (e == RowEncoding.BF16) Bfloat16.round(source.data, source.data, offset(), numRows * source.numCols);
        return e == encoding ? this : new RowPart(counts, firstRow, source, sourceRow, numRows, e);
    }

    /** Rows in the whole block. */
    public int total() {
        return (int) rowsIn(counts);
    }

    /** Floats per row. */
    public int cols() {
        return source.numCols;
    }

    /** Where this part's first float is in {@code source.data}. */
    public int offset() {
        return sourceRow * source.numCols;
    }

    /** Copies this part's rows into {@code dest} from index {@code at}. */
    public void copyTo(float[] dest, int at) {
        System.arraycopy(source.data, offset(), dest, at, numRows * source.numCols);
    }

    /** This part's rows as a matrix of their own (the source itself when the part is all of it). */
    public FMatrixRMaj rows() {
        if (sourceRow == 0 && numRows == source.numRows) return source;
        FMatrixRMaj m = new FMatrixRMaj(numRows, source.numCols);
        copyTo(m.data, 0);
        return m;
    }

    /** The whole block as one part. */
    public static RowPart whole(ExpertRows block) {
        return new RowPart(block.counts(), 0, block.rows());
    }

    /**
     * The block as parts of at most {@code maxRows} rows each (at least one part, even when empty),
     * all views of the block. {@code maxRows <= 0} means one part.
     */
    public static List<RowPart> split(ExpertRows block, int maxRows) {
        int total = block.rows().numRows;
        if (maxRows <= 0 || total <= maxRows) return List.of(whole(block));
        return split(block, 0, total, maxRows);
    }

    /**
     * Block rows {@code first .. first + rows - 1} as parts of at most {@code maxRows} rows each
     * (none when {@code rows} is 0), all views of the block. {@code maxRows <= 0} means one part.
     */
    public static List<RowPart> split(ExpertRows block, int first, int rows, int maxRows) {
        int step = maxRows <= 0 ? Math.max(rows, 1) : maxRows;
        List<RowPart> parts = new ArrayList<>((rows + step - 1) / step);
        for (int at = first; at < first + rows; at += step) {
            parts.add(new RowPart(block.counts(), at, block.rows(), at, Math.min(step, first + rows - at)));
        }
        return parts;
    }
}
