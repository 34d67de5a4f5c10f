package switchyard.actors.exchange;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RowPart;
import switchyard.math.dispatch.ExpertRows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One block of rows from every rank for one phase of one step, arriving in one or more parts.
 * Parts from one sender arrive in order (Akka keeps per-pair order), so each must continue where
 * the last ended. Blocks are read back in rank order, never arrival order.
 *
 * <p>A block that arrives whole (always, inside one JVM) is kept as it came, not copied: the
 * sender lent it, and the receiver may read it and answer in it. Only a block split into parts
 * (across nodes) is assembled into a new matrix.
 */
public final class PartGather {
    private final Phase phase;
    private final int cols;
    private final FMatrixRMaj[] blocks;
    private final int[][] counts;
    private final int[] received;
    private int complete;

    public PartGather(Phase phase, int worldSize, int cols) {
        this.phase = phase;
        this.cols = cols;
        this.blocks = new FMatrixRMaj[worldSize];
        this.counts = new int[worldSize][];
        this.received = new int[worldSize];
    }

    public Phase phase() { return phase; }

    /**
     * Adds a part from {@code rank}; returns an error text, or null. A refused part changes
     * nothing, so the sender's genuine part is still taken after it.
     */
    public String offer(int rank, RowPart part) {
        String refusal = refusal(rank, part);
        if (refusal != null) return refusal;
        if (counts[rank] == null && part.firstRow() == 0 && part.sourceRow() == 0
                && part.numRows() == part.total() && part.source().numRows == part.total()) {
            // The whole block in one part: adopt its matrix (in one JVM, the block the source lent).
            counts[rank] = part.counts();
            blocks[rank] = part.source();
            received[rank] = part.total();
            complete++;
            return null;
        }
        if (counts[rank] == null) {
            counts[rank] = part.counts().clone();
            blocks[rank] = new FMatrixRMaj(part.total(), cols);
        }
        part.copyTo(blocks[rank].data, part.firstRow() * cols);
        received[rank] += part.numRows();
        if (received[rank] == blocks[rank].numRows) complete++;
        return null;
    }

    /** Why {@code part} cannot continue the block from {@code rank}, or null; changes nothing. */
    private String refusal(int rank, RowPart part) {
        if (rank < 0 || rank >= blocks.length)
            return phase + " part from rank " + rank + ", but ranks are 0.." + (blocks.length - 1);
        if (part.cols() != cols)
            return phase + " part from rank " + rank + " has rows of width " + part.cols() + ", expected M=" + cols;
        if (counts[rank] != null && received[rank] == blocks[rank].numRows) return "duplicate " + phase + " message from rank " + rank;
        if (counts[rank] != null && !Arrays.equals(counts[rank], part.counts()))
            return phase + " parts from rank " + rank + " disagree on the block's row counts";
        if (part.firstRow() != received[rank])
            return phase + " part from rank " + rank + " starts at row " + part.firstRow() + ", expected " + received[rank];
        return null;
    }

    public boolean complete() { return complete == blocks.length; }

    /** Whether the block from {@code rank} is {@code part}'s own matrix, adopted rather than copied. */
    public boolean adopted(int rank, RowPart part) {
        return rank >= 0 && rank < blocks.length && blocks[rank] == part.source();
    }

    public boolean completeFrom(int rank) {
        return counts[rank] != null && received[rank] == blocks[rank].numRows;
    }

    /** The row counts of the block from {@code rank}, once its first part is in; else null. */
    public int[] countsFrom(int rank) {
        return counts[rank];
    }

    /** The assembled block from {@code rank}; only once it is complete. */
    public ExpertRows block(int rank) {
        if (!completeFrom(rank)) throw new IllegalStateException(phase + " block from rank " + rank + " is incomplete");
        return new ExpertRows(blocks[rank], counts[rank]);
    }

    /** Whether every rank's first part is in, so that the row counts of every block are known. */
    public boolean countsFromAll() {
        for (int[] c : counts) if (c == null) return false;
        return true;
    }

    /**
     * Whether the rows of the owner's local expert {@code l} have come in from every rank. Parts
     * arrive in row order and a block's rows are grouped by expert, so an expert's rows are in
     * once every block has arrived up to the end of them.
     */
    public boolean rowsThrough(int l) {
        for (int r = 0; r < blocks.length; r++) {
            if (counts[r] == null) return false;
            int end = 0;
            for (int i = 0; i <= l && i < counts[r].length; i++) end += counts[r][i];
            if (received[r] < end) return false;
        }
        return true;
    }

    /**
     * Every rank's block in rank order, as far as it has arrived (rows still on the way are
     * unset); only once {@link #countsFromAll()}.
     */
    public List<ExpertRows> arrivingInRankOrder() {
        if (!countsFromAll()) throw new IllegalStateException(phase + " row counts not yet known from every rank");
        List<ExpertRows> out = new ArrayList<>(blocks.length);
        for (int r = 0; r < blocks.length; r++) out.add(new ExpertRows(blocks[r], counts[r]));
        return out;
    }

    public int[] missing() {
        int[] out = new int[blocks.length - complete];
        int n = 0;
        for (int r = 0; r < blocks.length; r++) if (!completeFrom(r)) out[n++] = r;
        return out;
    }
}
