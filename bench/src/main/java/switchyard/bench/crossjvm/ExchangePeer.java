package switchyard.bench.crossjvm;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.transport.Courier;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.Outbox;
import switchyard.actors.wire.WireMessage;
import switchyard.math.dispatch.ExpertRows;

import java.util.ArrayList;
import java.util.List;

/**
 * One end of the all-to-all benchmark: sends {@code bytesPerPair} to every other peer the way
 * ranks send exchange blocks (row parts, credit window, the same {@link Courier} over the chosen
 * transport) and reports when it has received as much from each, so the exchange can be measured
 * without any expert compute. Runs only in the bench's JVMs: the bench's own and its
 * {@link PeerNode}; production nodes neither start it nor can decode its messages.
 */
public final class ExchangePeer extends AbstractBehavior<ExchangePeer.Command> {
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "switchyard-exchange-peer");
    /** Rows of this many floats; parts are whole rows. */
    static final int COLS = 1024;

    public sealed interface Command extends WireMessage permits Start, Part, Ack {}

    /**
     * Exchange {@code bytesPerPair} with every other peer in {@code peers}; this peer is {@code self}.
     * The bench tells peer 0 only, and peer 0 starts the others over the exchange's own transport
     * before it starts sending: like the raw socket copy, whose server starts when the client's
     * request arrives, the exchange then begins with one hop of its own transport rather than with
     * the bench's Akka messages reaching two JVMs at different moments.
     */
    public record Start(long id, List<ActorRef<Command>> peers, int self, long bytesPerPair, ExchangeSettings exchange,
                        ActorRef<Done> replyTo) implements Command {}

    public record Part(long id, int from, RowPart part) implements Command {}

    public record Ack(int from) implements Command {}

    /**
     * This peer received everything of exchange {@code id}, {@code nanos} after it started sending
     * (its own clock): the exchange as the ranks see it, without the bench's start and finish messages.
     */
    public record Done(long id, int peer, long bytesReceived, long nanos) implements WireMessage {}

    private Start current;
    private long startedAt;
    private Outbox<Command> outbox;
    private Courier courier;
    private long received;
    private long expected;
    private FMatrixRMaj block;
    private final List<Part> early = new ArrayList<>();

    public static Behavior<Command> create() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return new ExchangePeer(ctx);
        });
    }

    private ExchangePeer(ActorContext<Command> ctx) {
        super(ctx);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Start.class, this::onStart)
                .onMessage(Part.class, this::onPart)
                .onMessage(Ack.class, a -> {
                    if (outbox != null) outbox.acknowledged(a.from());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStart(Start s) {
        current = s;
        received = 0;
        expected = s.bytesPerPair() * (s.peers().size() - 1);
        courier = Courier.of(getContext().getSystem(), s.exchange().transport());
        outbox = new Outbox<>(s.peers().size(), s.exchange().window(), courier);
        if (s.self() == 0) {
            for (int d = 1; d < s.peers().size(); d++) {
                courier.tell(s.peers().get(d), new Start(s.id(), s.peers(), d, s.bytesPerPair(), s.exchange(), s.replyTo()));
            }
        }
        startedAt = System.nanoTime();
        // split into parts (views of the block) like a rank's block; making up the block is not part of an exchange
        RowEncoding encoding = s.exchange().rows();
        int rows = (int) (s.bytesPerPair() / ((long) encoding.bytesPerValue() * COLS));
        List<RowPart> parts = RowPart.split(new ExpertRows(payload(rows), new int[] {rows}), s.exchange().rowsPerPart(COLS));
        for (int d = 0; d < s.peers().size(); d++) {
            if (d == s.self()) continue;
            for (RowPart p : parts) outbox.send(d, s.peers().get(d), new Part(s.id(), s.self(), p.encodedAs(encoding)));
        }
        if (expected == 0) s.replyTo().tell(new Done(s.id(), s.self(), 0, System.nanoTime() - startedAt));
        // other peers may have started first: their parts of this exchange waited for this Start
        List<Part> waiting = new ArrayList<>(early);
        early.clear();
        for (Part p : waiting) if (p.id() >= s.id()) onPart(p);
        return this;
    }

    /**
     * The block to send: made once per size (the first, uncounted round) and never changed after
     * sending; its values are exact in bfloat16, so that rounding its parts for the wire leaves them be.
     */
    private FMatrixRMaj payload(int rows) {
        if (block == null || block.numRows != rows) {
            block = new FMatrixRMaj(rows, COLS);
            for (int i = 0; i < block.data.length; i++) block.data[i] = i & 255;
        }
        return block;
    }

    private Behavior<Command> onPart(Part p) {
        // the Start comes from the bench's driver over Akka, the parts from peers over the exchange's
        // transport: a part may overtake this peer's Start and must wait for it
        if (current == null || p.id() > current.id()) {
            early.add(p);
            return this;
        }
        if (p.id() < current.id()) return this;
        received += (long) p.part().encoding().bytesPerValue() * p.part().numRows() * p.part().cols();
        DataPlane.get(getContext().getSystem()).recycle(p.part().source().data); // counted: done with the rows
        if (outbox.paced()) courier.tell(current.peers().get(p.from()), new Ack(current.self()));
        if (received == expected) current.replyTo().tell(new Done(current.id(), current.self(), received, System.nanoTime() - startedAt));
        return this;
    }
}
