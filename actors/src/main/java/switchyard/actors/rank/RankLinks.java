package switchyard.actors.rank;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.transport.Courier;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.Outbox;
import switchyard.actors.wire.WireSizes;
import switchyard.math.dispatch.ExpertRows;

import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * One rank's side of the all-to-all, once it knows who is who: blocks leave in parts through the
 * credit window and are counted in their step's traffic; arriving parts are offered to their
 * gather, their arrays go back to the data plane, and a credit goes back to the sender.
 */
final class RankLinks {
    private final int rank;
    private final List<ActorRef<RankActor.Command>> ranks;
    private final Courier courier;
    private final DataPlane dataPlane;
    private final Outbox<RankActor.Command> outbox;
    private final int rowsPerPart;

    RankLinks(int rank, List<ActorRef<RankActor.Command>> ranks, ExchangeSettings exchange, int modelDim,
              Courier courier, DataPlane dataPlane) {
        this.rank = rank;
        this.ranks = List.copyOf(ranks);
        this.courier = courier;
        this.dataPlane = dataPlane;
        this.outbox = new Outbox<>(ranks.size(), exchange.window(), courier);
        this.rowsPerPart = exchange.rowsPerPart(modelDim);
    }

    /** Rows in one part of a block of width M. */
    int rowsPerPart() {
        return rowsPerPart;
    }

    /** Sends one exchange block to {@code dest} in parts, counting its traffic. */
    void sendBlock(StepState state, int exchange, int dest, ExpertRows block, Function<RowPart, RankActor.Command> message) {
        sendParts(state, exchange, dest, RowPart.split(block, rowsPerPart), message);
    }

    void sendParts(StepState state, int exchange, int dest, List<RowPart> parts, Function<RowPart, RankActor.Command> message) {
        for (RowPart part : parts) {
            state.sent(exchange, dest, part.numRows(), WireSizes.exchange(part));
            outbox.send(dest, ranks.get(dest), message.apply(part));
        }
    }

    /**
     * Offers {@code part} from rank {@code from} to {@code gather}; returns its error text, or null.
     * Once the gather has copied the rows (or refused them) the data plane may reuse their array;
     * not when the gather adopted the part's matrix as the whole block. A part taken earns the
     * sender a credit back, when exchanges are paced.
     */
    String take(PartGather gather, int from, RowPart part) {
        String error = gather.offer(from, part);
        if (!gather.adopted(from, part)) dataPlane.recycle(part.source().data);
        if (error == null && outbox.paced()) courier.tell(ranks.get(from), new RankActor.ChunkAck(rank));
        return error;
    }

    /** Rank {@code to} took one of this rank's parts: the next one waiting for it may leave. */
    void acknowledged(int to) {
        outbox.acknowledged(to);
    }

    /** The ranks that live on {@code node}. */
    int[] ranksOn(Address node) {
        return IntStream.range(0, ranks.size()).filter(r -> node.equals(ranks.get(r).path().address())).toArray();
    }
}
