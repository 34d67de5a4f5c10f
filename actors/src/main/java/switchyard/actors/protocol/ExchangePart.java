package switchyard.actors.protocol;

/**
 * One part of one block of the all-to-all: the rows rank {@code from} sends for {@code step} in
 * {@code exchange}. Every pair of ranks exchanges exactly one block per exchange per step (empty
 * ones too), in one or more parts.
 *
 * <p>Forward, a source sends each owner a {@link Exchange#DISPATCH} block (its tokens for the
 * owner's experts) and gets an {@link Exchange#EXPERT_OUTPUT} block back, rows in the same order;
 * backward retraces the route: {@link Exchange#OUTPUT_GRAD} to the owner ({@code w·dLoss/doutput}
 * per dispatched row), {@link Exchange#INPUT_GRAD} back. Row tags are run-length encoded in
 * {@code part.counts()}: local expert l of the owner, slots {@code 0..counts[l]-1}.
 *
 * <p>Inside one JVM a block travels whole and is lent: the receiver may read and overwrite it until
 * it answers along the route, and not after.
 *
 * @param backward on a {@code DISPATCH} part, whether the step has a backward pass (the owner then
 *                 waits for output gradients); false on every other exchange
 */
public record ExchangePart(Exchange exchange, long step, int from, boolean backward, RowPart part) implements RankMessage {
    public ExchangePart {
        if (exchange == null || part == null) throw new IllegalArgumentException("an exchange part needs its exchange and rows");
        if (backward && exchange != Exchange.DISPATCH)
            throw new IllegalArgumentException("only a dispatch says whether a backward pass follows, not " + exchange.label());
    }

    /** {@code Dispatch from rank 1 for step 7}: what a refusal of this part begins with. */
    public String origin() {
        return exchange.messageName() + " from rank " + from + " for step " + step;
    }

    /** A part of {@code source}'s tokens for an owner's experts. */
    public static ExchangePart dispatch(long step, int source, boolean backward, RowPart part) {
        return new ExchangePart(Exchange.DISPATCH, step, source, backward, part);
    }

    /** A part of {@code owner}'s expert outputs for a source. */
    public static ExchangePart expertOutput(long step, int owner, RowPart part) {
        return new ExchangePart(Exchange.EXPERT_OUTPUT, step, owner, false, part);
    }

    /** A part of {@code source}'s output gradients for an owner's experts. */
    public static ExchangePart outputGradient(long step, int source, RowPart part) {
        return new ExchangePart(Exchange.OUTPUT_GRAD, step, source, false, part);
    }

    /** A part of {@code owner}'s input gradients for a source. */
    public static ExchangePart inputGradient(long step, int owner, RowPart part) {
        return new ExchangePart(Exchange.INPUT_GRAD, step, owner, false, part);
    }

    /** Bytes of the fixed part of an encoded exchange part with {@code localExperts} experts. */
    public static long headerBytes(int localExperts) {
        return 8 + 4 + 1 + 4 + 4 + 4L * localExperts + 8;
    }

    /**
     * Exact encoded size of an exchange part carrying {@code rows} rows of width {@code cols} for
     * {@code localExperts} experts in {@code encoding}, for traffic accounting without encoding:
     * step (8), sender (4), exchange and flags (1), the part's first row (4), the block's per-expert
     * counts (4 + 4·L), then the rows: shape (8) and {@code rows·M} values of the encoding's size.
     */
    public static long wireBytes(int localExperts, long rows, int cols, RowEncoding encoding) {
        return headerBytes(localExperts) + (long) encoding.bytesPerValue() * rows * cols;
    }

    /** Exact encoded size of a part carrying {@code part}. */
    public static long wireBytes(RowPart part) {
        return wireBytes(part.counts().length, part.numRows(), part.cols(), part.encoding());
    }
}
