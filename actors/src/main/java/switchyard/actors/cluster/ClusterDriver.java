package switchyard.actors.cluster;

import akka.actor.Address;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.rank.MessageGuard;
import switchyard.actors.rank.RankSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The driver of a cluster job: waits until exactly W rank slots are registered (naming the missing
 * ones if they do not come), sends each the job's settings, hands the rank actors to a
 * {@link TrainingRun}, and watches the rank nodes ({@link MemberWatch}) so that a node that is
 * lost fails the run at once instead of at the next deadline. A node is lost when it leaves, or
 * has been silent for longer than the acceptable pause (see {@link FailureDetection}).
 */
public final class ClusterDriver extends AbstractBehavior<ClusterDriver.Command> {

    public sealed interface Command extends NoSerializationVerificationNeeded
            permits Listing, HostAnswer, Watched, Timeout, RunEnded {}

    private record Listing(Receptionist.Listing listing) implements Command {}

    private record HostAnswer(RankHost.HostReply reply) implements Command {}

    private record Watched(MemberWatch.Report report) implements Command {}

    private record Timeout(String stage) implements Command {}

    private record RunEnded(TrainingRun.Event event) implements Command {}

    private final int worldSize;
    private final IntFunction<RankSettings> settings;
    private final TrainingPlan plan;
    private final long heapPerRank;
    private final ActorRef<TrainingRun.Event> listener;
    private final boolean shutdownNodes;
    private final TimerScheduler<Command> timers;
    private final Duration discoveryTimeout;
    private final FailureDetection failures;
    /** How long a rank node may be unreachable before the run fails (see {@link FailureDetection#unreachableGrace}). */
    private final Duration grace;
    private final Map<Integer, ActorRef<RankHost.Command>> hosts = new TreeMap<>();
    private final Map<Integer, ActorRef<RankMessage>> configured = new TreeMap<>();
    private ActorRef<TrainingRun.Command> run;
    private ActorRef<TrainingRun.Event> runEvents;

    /**
     * A job whose ranks' heap is not checked.
     *
     * @param settings      rank r's settings
     * @param shutdownNodes tell every rank node to stop when the run ends
     */
    public static Behavior<Command> create(int worldSize, IntFunction<RankSettings> settings, TrainingPlan plan,
                                           Duration discoveryTimeout, ActorRef<TrainingRun.Event> listener, boolean shutdownNodes) {
        return create(worldSize, settings, plan, 0, discoveryTimeout, listener, shutdownNodes);
    }

    /**
     * @param heapPerRank the heap one rank needs at least, in bytes: a node that cannot give it to
     *                    each of its slots refuses, and the run fails at the start naming the node
     */
    public static Behavior<Command> create(int worldSize, IntFunction<RankSettings> settings, TrainingPlan plan, long heapPerRank,
                                           Duration discoveryTimeout, ActorRef<TrainingRun.Event> listener, boolean shutdownNodes) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ClusterDriver(ctx, timers, worldSize, settings, plan, heapPerRank, discoveryTimeout, listener, shutdownNodes)));
    }

    private ClusterDriver(ActorContext<Command> ctx, TimerScheduler<Command> timers, int worldSize,
                          IntFunction<RankSettings> settings, TrainingPlan plan, long heapPerRank, Duration discoveryTimeout,
                          ActorRef<TrainingRun.Event> listener, boolean shutdownNodes) {
        super(ctx);
        this.heapPerRank = heapPerRank;
        this.timers = timers;
        this.worldSize = worldSize;
        this.settings = settings;
        this.plan = plan;
        this.discoveryTimeout = discoveryTimeout;
        this.failures = FailureDetection.of(ctx.getSystem().settings().config());
        this.grace = failures.unreachableGrace();
        this.listener = listener;
        this.shutdownNodes = shutdownNodes;
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(RankHost.KEY, ctx.messageAdapter(Receptionist.Listing.class, Listing::new)));
        timers.startSingleTimer(new Timeout("discovery"), discoveryTimeout);
        ctx.getLog().info("waiting for {} rank slots to register", worldSize);
    }

    @Override
    public Receive<Command> createReceive() {
        Receive<Command> receive = newReceiveBuilder()
                .onMessage(Listing.class, this::onListing)
                .onMessage(HostAnswer.class, this::onHostAnswer)
                .onMessage(Watched.class, m -> onWatched(m.report()))
                .onMessage(Timeout.class, this::onTimeout)
                .onMessage(RunEnded.class, this::onRunEnded)
                .build();
        // no message stops the driver: a run it drives would end without a word (MessageGuard); its
        // messages name no step, so a failure is logged, and its timers still end a stuck set-up
        return MessageGuard.around(receive, (m, e) -> getContext().getLog().error("the cluster driver failed handling a {}",
                m.getClass().getSimpleName(), e), getContext().getLog());
    }

    private Behavior<Command> onListing(Listing m) {
        if (!configured.isEmpty() || run != null) return this; // discovery is over
        hosts.clear();
        for (ActorRef<RankHost.Command> host : m.listing().getServiceInstances(RankHost.KEY)) {
            int rank = RankHost.rankOf(host);
            if (rank < 0 || rank >= worldSize) {
                return fail("a node registered rank slot " + host.path().name() + " at " + host.path().address()
                        + ", but this job has ranks 0.." + (worldSize - 1));
            }
            ActorRef<RankHost.Command> other = hosts.put(rank, host);
            if (other != null && !other.equals(host)) {
                return fail("rank " + rank + " is hosted twice: on " + other.path().address() + " and on " + host.path().address());
            }
        }
        if (hosts.size() < worldSize) return this;
        timers.cancel(new Timeout("discovery"));
        getContext().getLog().info("all {} ranks registered; configuring them", worldSize);
        ActorRef<RankHost.HostReply> replies = getContext().messageAdapter(RankHost.HostReply.class, HostAnswer::new);
        for (var e : hosts.entrySet()) e.getValue().tell(new RankHost.Configure(settings.apply(e.getKey()), heapPerRank, replies));
        timers.startSingleTimer(new Timeout("configuration"), discoveryTimeout);
        return this;
    }

    private Behavior<Command> onHostAnswer(HostAnswer m) {
        if (m.reply() instanceof RankHost.HostReply.Refused r) return fail("rank " + r.rank() + " refused its settings: " + r.reason());
        if (!(m.reply() instanceof RankHost.HostReply.Configured c) || run != null) return this;
        configured.put(c.rank(), c.rankActor());
        if (configured.size() < worldSize) return this;
        timers.cancel(new Timeout("configuration"));
        Set<Address> rankNodes = new HashSet<>();
        for (ActorRef<RankMessage> r : configured.values()) rankNodes.add(nodeOf(r));
        getContext().spawn(MemberWatch.create(member -> rankNodes.contains(member.address()), grace,
                getContext().messageAdapter(MemberWatch.Report.class, Watched::new)), "rank-nodes");
        runEvents = getContext().messageAdapter(TrainingRun.Event.class, RunEnded::new);
        run = getContext().spawn(TrainingRun.create(new ArrayList<>(configured.values()), plan, settings.apply(0).placement(),
                runEvents), "run");
        return this;
    }

    private Behavior<Command> onWatched(MemberWatch.Report report) {
        Address node = report.member().address();
        if (report instanceof MemberWatch.Lost lost) {
            // tells the run which of its ranks lived on the node
            String how = lost.how() == MemberWatch.How.UNREACHABLE
                    ? "silent for longer than the acceptable pause of " + FailureDetection.seconds(failures.acceptablePause())
                    : lost.describe();
            run.tell(new TrainingRun.RanksLost(ranksOn(node), node.toString(), "was lost (" + how + ")"));
            // and gives up on the node: until it is down, no member can leave the cluster (this one
            // included), as leaving waits for every member that is not down to agree
            if (lost.how() == MemberWatch.How.UNREACHABLE) Cluster.get(getContext().getSystem()).manager().tell(new Down(node));
        } else if (report instanceof MemberWatch.Unreachable) {
            if (!grace.isZero()) getContext().getLog().warn("node {} hosting ranks {} is unreachable; the run fails if it stays so for {}",
                    node, Arrays.toString(ranksOn(node)), FailureDetection.seconds(grace));
        } else {
            getContext().getLog().info("node {} is reachable again", node);
        }
        return this;
    }

    private int[] ranksOn(Address node) {
        return configured.entrySet().stream().filter(e -> nodeOf(e.getValue()).equals(node)).mapToInt(Map.Entry::getKey).toArray();
    }

    private Address nodeOf(ActorRef<?> ref) {
        Address a = ref.path().address();
        return a.hasGlobalScope() ? a : Cluster.get(getContext().getSystem()).selfMember().address();
    }

    private Behavior<Command> onTimeout(Timeout t) {
        if (t.stage().equals("discovery")) {
            List<Integer> missing = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) if (!hosts.containsKey(r)) missing.add(r);
            return fail("only " + hosts.size() + " of " + worldSize + " ranks registered within " + discoveryTimeout.toSeconds()
                    + " s; missing ranks " + missing);
        }
        List<Integer> silent = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) if (!configured.containsKey(r)) silent.add(r);
        return fail("ranks " + silent + " did not confirm their settings within " + discoveryTimeout.toSeconds() + " s");
    }

    private Behavior<Command> onRunEnded(RunEnded m) {
        listener.tell(m.event());
        if (m.event() instanceof TrainingRun.StepCompleted) return this;
        return finish(m.event() instanceof TrainingRun.Failed f ? f.reason() : "job finished");
    }

    private Behavior<Command> fail(String reason) {
        getContext().getLog().error("{}", reason);
        listener.tell(new TrainingRun.Failed(reason));
        return finish(reason);
    }

    private Behavior<Command> finish(String reason) {
        if (shutdownNodes) for (ActorRef<RankHost.Command> host : hosts.values()) host.tell(new RankHost.Shutdown(reason));
        return Behaviors.stopped();
    }
}
