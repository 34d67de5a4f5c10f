package switchyard.actors.cluster;

import java.util.Map;
import java.util.TreeMap;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.rank.MessageGuard;
import switchyard.actors.rank.RankActor;
import switchyard.actors.rank.RankSettings;
import switchyard.actors.report.Sizes;
import switchyard.actors.wire.WireMessage;
import switchyard.actors.wire.WireVersion;

/**
 * A slot for one rank on a node, named {@code rank-<r>} and registered with the Receptionist under
 * {@link #KEY}. Nodes only say which ranks they host; the driver sends every slot the job's
 * settings and gets back the rank actor. So a job is configured in one place, and a checkpoint can
 * be resumed with ranks on other nodes. An elastic run's driver may also have a slot host another
 * rank whose node was lost ({@link Configure#adopt}), beside its own.
 */
public final class RankHost extends AbstractBehavior<RankHost.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "switchyard-rank");

    public sealed interface Command extends WireMessage permits Configure, Release, Ping, Shutdown {}

    /**
     * Start (or restart) this slot's rank with {@code settings}; answered with {@link HostReply}.
     * {@code wireVersion} is the driver's {@link WireVersion#CURRENT}: a node of another version
     * refuses (and then has no {@code settings}: they are in a layout it does not read).
     * {@code heapPerRank} is the job's estimate of the heap one rank needs at least (0: unknown);
     * a node whose heap cannot hold that for every slot it hosts refuses. {@code adopt}: the
     * settings are another rank's, which this slot hosts too (its own node was lost).
     */
    public record Configure(int wireVersion, RankSettings settings, long heapPerRank, boolean adopt, ActorRef<HostReply> replyTo)
            implements Command {
        public Configure(RankSettings settings, long heapPerRank, ActorRef<HostReply> replyTo) {
            this(WireVersion.CURRENT, settings, heapPerRank, false, replyTo);
        }

        /** Rank {@code settings.rank()}, whose own slot is gone, on this slot's node. */
        public static Configure adopting(RankSettings settings, long heapPerRank, ActorRef<HostReply> replyTo) {
            return new Configure(WireVersion.CURRENT, settings, heapPerRank, true, replyTo);
        }

        public Configure(RankSettings settings, ActorRef<HostReply> replyTo) {
            this(settings, 0, replyTo);
        }
    }

    /** Stop running rank {@code rank}, adopted earlier: its own slot took it back. Nothing for the slot's own rank. */
    public record Release(int rank) implements Command {}

    /** Liveness check; answered with {@link HostReply.Pong}. */
    public record Ping(ActorRef<HostReply> replyTo) implements Command {}

    /** The job is over: stop this node's actor system (the node's JVM exits with it). */
    public record Shutdown(String reason) implements Command {}

    /** What a slot answers. */
    public sealed interface HostReply extends WireMessage permits HostReply.Configured, HostReply.Refused, HostReply.Pong {
        int rank();

        record Configured(int rank, ActorRef<RankMessage> rankActor) implements HostReply {}

        record Refused(int rank, String reason) implements HostReply {}

        record Pong(int rank) implements HostReply {}
    }

    private final int rank;
    /** Rank slots on this node, this one included: they share its heap. */
    private final int slotsOnNode;
    /** The rank actors this slot runs, by rank: its own, and any it adopted. */
    private final Map<Integer, ActorRef<RankInbox>> workers = new TreeMap<>();
    private int generation;

    /** The only slot on its node. */
    public static Behavior<Command> create(int rank) {
        return create(rank, 1);
    }

    public static Behavior<Command> create(int rank, int slotsOnNode) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return new RankHost(ctx, rank, slotsOnNode);
        });
    }

    /** The slot's actor name: the driver reads the rank from it. */
    public static String name(int rank) {
        return "rank-" + rank;
    }

    /** The rank a slot's name stands for, or -1. */
    public static int rankOf(ActorRef<?> host) {
        String name = host.path().name();
        if (!name.startsWith("rank-")) return -1;
        try {
            return Integer.parseInt(name.substring(5));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private RankHost(ActorContext<Command> ctx, int rank, int slotsOnNode) {
        super(ctx);
        this.rank = rank;
        this.slotsOnNode = slotsOnNode;
    }

    @Override
    public Receive<Command> createReceive() {
        // no message stops a slot: its node would host no rank until restarted (MessageGuard)
        Receive<Command> receive = newReceiveBuilder()
                .onMessage(Configure.class, this::onConfigure)
                .onMessage(Release.class, m -> {
                    ActorRef<RankInbox> adopted = m.rank() == rank ? null : workers.remove(m.rank());
                    if (adopted != null) {
                        getContext().stop(adopted);
                        getContext().getLog().info("rank slot {} no longer hosts rank {}", rank, m.rank());
                    }
                    return this;
                })
                .onMessage(Ping.class, m -> {
                    m.replyTo().tell(new HostReply.Pong(rank));
                    return this;
                })
                .onMessage(Shutdown.class, m -> {
                    getContext().getLog().info("rank slot {} shutting down: {}", rank, m.reason());
                    getContext().getSystem().terminate();
                    return Behaviors.stopped();
                })
                .build();
        return MessageGuard.around(receive, this::failedOn, getContext().getLog());
    }

    /** Handling {@code m} threw: logged once; a driver configuring this slot hears it refused. */
    private void failedOn(Command m, RuntimeException e) {
        String reason = "rank slot " + rank + " failed handling a " + m.getClass().getSimpleName() + ": " + e;
        getContext().getLog().error("{}", reason, e);
        if (m instanceof Configure c && c.replyTo() != null) c.replyTo().tell(new HostReply.Refused(rank, reason));
    }

    private Behavior<Command> onConfigure(Configure m) {
        if (m.wireVersion() != WireVersion.CURRENT) {
            m.replyTo().tell(new HostReply.Refused(rank, "the driver speaks wire version " + m.wireVersion() + " and node "
                    + getContext().getSystem().address() + " version " + WireVersion.CURRENT + ": run the same Switchyard on every node"));
            return this;
        }
        int r = m.settings().rank();
        if (r != rank && !m.adopt()) {
            m.replyTo().tell(new HostReply.Refused(rank, "slot rank-" + rank + " was sent the settings of rank " + r));
            return this;
        }
        String tooBig = heapShortage(m.heapPerRank(), workers.containsKey(r) ? workers.size() : workers.size() + 1);
        if (tooBig != null) {
            m.replyTo().tell(new HostReply.Refused(r, tooBig));
            return this;
        }
        ActorRef<RankInbox> old = workers.remove(r);
        if (old != null) getContext().stop(old);
        ActorRef<RankInbox> worker;
        try {
            // a fresh name per generation: the stopped worker's name may not be free yet
            worker = getContext().spawn(RankActor.create(m.settings()), "worker-" + (generation++),
                    DispatcherSelector.fromConfig("switchyard.compute-dispatcher"));
        } catch (IllegalArgumentException e) {
            m.replyTo().tell(new HostReply.Refused(r, e.getMessage()));
            return this;
        }
        workers.put(r, worker);
        if (r != rank) getContext().getLog().info("rank slot {} now also hosts rank {}", rank, r);
        m.replyTo().tell(new HostReply.Configured(r, RankActor.narrow(worker)));
        return this;
    }

    /**
     * Why this node's heap cannot hold its slots' ranks of {@code heapPerRank} bytes each, or null;
     * {@code ranksHere} ranks run in this slot (more than one once it adopted a lost rank).
     */
    private String heapShortage(long heapPerRank, int ranksHere) {
        long max = Runtime.getRuntime().maxMemory();
        int ranks = slotsOnNode - 1 + Math.max(1, ranksHere);
        long need = heapPerRank > Long.MAX_VALUE / ranks ? Long.MAX_VALUE : heapPerRank * ranks;
        if (need <= max) return null;
        return "node " + getContext().getSystem().address() + " hosts " + ranks + " rank" + (ranks == 1 ? "" : "s")
                + ", which need about " + Sizes.bytes(need) + " of heap for this job, but its JVM may use " + Sizes.bytes(max)
                + " (-Xmx): choose smaller sizes, more nodes, or a larger -Xmx";
    }
}
