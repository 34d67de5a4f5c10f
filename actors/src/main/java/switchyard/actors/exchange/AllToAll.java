package switchyard.actors.exchange;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.transport.Courier;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.Outbox;
import switchyard.math.dispatch.ExpertRows;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * One rank's side of the all-to-all, once it knows who is who. A step crosses it four times, and
 * the backward pass retraces the forward routes:
 *
 * <pre>
 *              token side of source s                 expert side of owner o
 *   forward    {@link #scatter} DISPATCH       ──►   gather, run experts
 *              gather                          ◄──   {@link #answer} EXPERT_OUTPUT
 *   backward   {@link #scatter} OUTPUT_GRAD    ──►   gather, run experts backward
 *              gather                          ◄──   {@link #answer} INPUT_GRAD
 * </pre>
 *
 * Every pair exchanges exactly one block per exchange per step, empty ones too, so every gather
 * knows when it is complete. Blocks leave in parts of at most {@link #rowsPerPart} rows through the
 * credit window and are counted in their step's {@link StepTraffic}; arriving parts are offered to
 * their {@link PartGather} ({@link #take}), their arrays go back to the data plane, and a credit
 * goes back to the sender. With bfloat16 rows ({@link RowEncoding#BF16}) each part is rounded as
 * it leaves, to every destination alike.
 */
public final class AllToAll {
    private final int rank;
    private final List<ActorRef<RankMessage>> ranks;
    private final Courier courier;
    private final DataPlane dataPlane;
    private final Outbox<RankMessage> outbox;
    private final int rowsPerPart;
    private final RowEncoding encoding;

    public AllToAll(int rank, List<ActorRef<RankMessage>> ranks, ExchangeSettings exchange, int modelDim,
                    Courier courier, DataPlane dataPlane) {
        this.rank = rank;
        this.ranks = List.copyOf(ranks);
        this.courier = courier;
        this.dataPlane = dataPlane;
        this.outbox = new Outbox<>(ranks.size(), exchange.window(), courier);
        this.rowsPerPart = exchange.rowsPerPart(modelDim);
        this.encoding = exchange.rows();
    }

    /** Rows in one part of a block; 0 when blocks travel whole (inside one JVM). */
    public int rowsPerPart() {
        return rowsPerPart;
    }

    // ---- out: a source to every owner, and each owner back along the same route ------------------

    /**
     * Token side: sends every owner its block of {@code request} ({@link Exchange#DISPATCH} forward,
     * {@link Exchange#OUTPUT_GRAD} backward): {@code blockFor.apply(o)} to owner o, made as it is
     * sent so that the first blocks leave while the next are gathered.
     *
     * @param backward on a dispatch, whether the step will send output gradients after it
     */
    public void scatter(Exchange request, long step, IntFunction<ExpertRows> blockFor, boolean backward, StepTraffic traffic) {
        if (!request.toOwner()) throw new IllegalArgumentException(request + " goes from owners to sources");
        for (int owner = 0; owner < ranks.size(); owner++) {
            send(request, step, owner, RowPart.split(blockFor.apply(owner), rowsPerPart), backward, traffic);
        }
    }

    /**
     * Expert side: sends {@code source} the answer to its block of {@code request}, rows in the
     * order they came ({@link Exchange#EXPERT_OUTPUT} for a dispatch, {@link Exchange#INPUT_GRAD}
     * for output gradients).
     */
    public void answer(Exchange request, long step, int source, ExpertRows block, StepTraffic traffic) {
        send(request.answer(), step, source, RowPart.split(block, rowsPerPart), false, traffic);
    }

    /**
     * Expert side: sends {@code source} block rows {@code first .. first + rows - 1} of its answer
     * (one expert's rows) as parts, ahead of the rest of the block.
     */
    public void answerRows(Exchange request, long step, int source, ExpertRows block, int first, int rows, StepTraffic traffic) {
        send(request.answer(), step, source, RowPart.split(block, first, rows, rowsPerPart), false, traffic);
    }

    private void send(Exchange exchange, long step, int dest, List<RowPart> parts, boolean backward, StepTraffic traffic) {
        for (RowPart sent : parts) {
            RowPart part = sent.encodedAs(encoding);
            traffic.count(exchange, dest, part.numRows(), ExchangePart.wireBytes(part));
            outbox.send(dest, ranks.get(dest), new ExchangePart(exchange, step, rank, backward, part));
        }
    }

    // ---- in ----------------------------------------------------------------------------------------

    /**
     * Offers {@code part} to {@code gather} and says what it did: refused (with why), or taken,
     * completing its sender's block or the whole exchange or neither. Once the gather has copied the
     * rows (or refused them) the data plane may reuse their array; not when the gather adopted the
     * part's matrix as the whole block. A part taken earns the sender a credit back, when exchanges
     * are paced.
     */
    public Arrival take(PartGather gather, ExchangePart part) {
        String error = gather.offer(part.from(), part.part());
        if (!gather.adopted(part.from(), part.part())) dataPlane.recycle(part.part().source().data);
        if (error != null) return Arrival.refused(error + " for step " + part.step());
        if (outbox.paced()) courier.tell(ranks.get(part.from()), new RankMessage.PartAck(rank));
        if (gather.complete()) return Arrival.ALL;
        return gather.completeFrom(part.from()) ? Arrival.BLOCK : Arrival.PART;
    }

    /** Rank {@code to} took one of this rank's parts: the next one waiting for it may leave. */
    public void acknowledged(int to) {
        outbox.acknowledged(to);
    }

    /** The ranks that live on {@code node}. */
    public int[] ranksOn(Address node) {
        return IntStream.range(0, ranks.size()).filter(r -> node.equals(ranks.get(r).path().address())).toArray();
    }
}
