package switchyard.actors.exchange;

/**
 * What the row counts of one sender's block may be, for one exchange of one step, as the receiver
 * knows before the first part of it arrives: exactly the counts of the block it retraces (an
 * answer, or output gradients), or at most what the gate could have routed (a dispatch).
 */
public sealed interface BlockBound {

    /**
     * An answer or an output gradient retraces a dispatch row for row: its counts are those that
     * rank {@code dispatchedBy} dispatched to the owner's experts.
     */
    record Exactly(int[] counts, int dispatchedBy) implements BlockBound {}

    /**
     * A dispatch: each count at most {@code perExpert}, the capacity of one expert for one source,
     * and the block at most {@code rows} rows, which is {@code why}'s limit (e.g. "64 tokens at
     * top-2 can send one rank").
     */
    record AtMost(int perExpert, long rows, String why) implements BlockBound {}
}
