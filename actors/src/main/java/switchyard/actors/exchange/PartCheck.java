package switchyard.actors.exchange;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.RowPart;

/**
 * The semantic check of one arriving exchange part against the step it belongs to, made before
 * anything is allocated or changed for it: a hostile or broken part is refused whole, so that it
 * leaves no trace and the sender's genuine part is still taken. The part's own constructor and
 * the decoder only know that the counts describe some block; this knows which block they must
 * describe. Each refusal begins with {@link ExchangePart#origin()} and names the field.
 *
 * @param worldSize    W: senders are ranks 0..W-1
 * @param localExperts L + R: a block has a count for each of the owner's expert slots
 * @param modelDim     M: every row is M wide
 * @param rows         the job's {@code --wire}: every rank writes every part so, its own included,
 *                     so a part in the other encoding is not from this job's ranks
 */
public record PartCheck(int worldSize, int localExperts, int modelDim, RowEncoding rows) {

    /** Why {@code m} cannot be from a rank of this job, or null: its sender indexes every gather. */
    public String senderRefusal(ExchangePart m) {
        if (m.from() >= 0 && m.from() < worldSize) return null;
        return m.origin() + ": the sender is not one of the ranks 0.." + (worldSize - 1);
    }

    /** Why {@code m} cannot be a part of its sender's block under {@code bound}, or null. */
    public String refusal(ExchangePart m, BlockBound bound) {
        String why = problem(m.part(), bound);
        return why == null ? null : m.origin() + ": " + why;
    }

    private String problem(RowPart part, BlockBound bound) {
        int[] counts = part.counts();
        if (counts.length != localExperts)
            return "counts for " + counts.length + " experts, but the owner has " + localExperts + " expert slots";
        if (part.cols() != modelDim) return "rows of width " + part.cols() + ", expected M=" + modelDim;
        if (part.encoding() != rows)
            return "rows in " + part.encoding().label() + ", but this job exchanges " + rows.label() + " rows (--wire)";
        long total = 0; // in long: counts that wrap round an int must not pass for a small block
        for (int l = 0; l < counts.length; l++) {
            int c = counts[l];
            if (c < 0) return "count[" + l + "] = " + c + " is negative";
            String wrong = countProblem(l, c, bound);
            if (wrong != null) return wrong;
            total += c;
        }
        if (bound instanceof BlockBound.AtMost most && total > most.rows())
            return "its block of " + total + " rows exceeds the " + most.rows() + " that " + most.why();
        if ((long) part.firstRow() + part.numRows() > total || part.firstRow() < 0)
            return "rows " + part.firstRow() + ".." + ((long) part.firstRow() + part.numRows() - 1) + " lie outside its block of "
                    + total + " rows";
        return null;
    }

    private static String countProblem(int l, int c, BlockBound bound) {
        if (bound instanceof BlockBound.AtMost most) {
            return c > most.perExpert() ? "count[" + l + "] = " + c + " exceeds the capacity " + most.perExpert() + " of one expert" : null;
        }
        BlockBound.Exactly exactly = (BlockBound.Exactly) bound;
        return c != exactly.counts()[l] ? "count[" + l + "] = " + c + ", but rank " + exactly.dispatchedBy() + " dispatched "
                + exactly.counts()[l] + " rows to that expert" : null;
    }
}
