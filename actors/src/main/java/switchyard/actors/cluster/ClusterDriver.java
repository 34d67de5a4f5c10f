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
import switchyard.actors.driver.Recovered;
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
 *
 * <p>An <b>elastic</b> run does not end when a rank node is lost: the driver stops the run, moves
 * the lost node's ranks to the surviving slots ({@link Rehosting}), starts every rank afresh and
 * has them restore the newest complete checkpoint, and goes on; the logical ranks and their tokens
 * are the same, so the run ends with the digest of an uninterrupted one. A run failure (a broken
 * link fails the step long before the membership decides) waits for the membership's verdict:
 * recovery if a node was lost, else the failure stands. A lost node's slot that registers again
 * takes its rank back after the next checkpoint.
 */
public final class ClusterDriver extends AbstractBehavior<ClusterDriver.Command> {

    public sealed interface Command extends NoSerializationVerificationNeeded
            permits Listing, HostAnswer, Watched, Timeout, RunEnded {}

    private record Listing(Receptionist.Listing listing) implements Command {}

    /** A slot's answer to configuration round {@code round}: those of rounds given up on are dropped. */
    private record HostAnswer(int round, RankHost.HostReply reply) implements Command {}

    private record Watched(MemberWatch.Report report) implements Command {}

    private record Timeout(String stage) implements Command {}

    /** An event of the run started as generation {@code generation}: those of runs given up on are dropped. */
    private record RunEnded(int generation, TrainingRun.Event event) implements Command {}

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
    private final boolean elastic;
    /** Which slot (named by its own rank) runs each rank: its own, or another after a loss. */
    private final Map<Integer, Integer> hostOf = new TreeMap<>();
    private int generation;
    private int updatesDone;
    /** Watches the nodes the ranks run on; replaced when they change (a recovery, a node that came back). */
    private ActorRef<MemberWatch.Command> watch;
    /** An elastic run's recovery in progress, until the restored run completes an update; else null. */
    private Loss loss;
    /** When the first sign of trouble came (a failed run, an unreachable node), for the recovery time; 0 when none. */
    private long troubleSince;
    /** A run failure waiting for the membership to say whether a node was lost; else null. */
    private String suspended;
    /** Slots of lost nodes registered again, taking their ranks back at the next checkpoint. */
    private final Set<Integer> returning = new java.util.TreeSet<>();
    private final Set<Address> lostNodes = new HashSet<>();
    /** What a recovery restores: the newest checkpoint this run completed, else where it started. */
    private CheckpointChoice restorable;
    private int round;
    private ActorRef<RankHost.HostReply> replies;

    /** A recovery: what was lost, and what the ranks restore. */
    private record Loss(String node, int[] ranks, int updatesDone, long since, String checkpoint, long restoredUpdates) {}

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
        return create(worldSize, settings, plan, heapPerRank, discoveryTimeout, listener, shutdownNodes, false);
    }

    /** @param elastic recover from a lost rank node instead of failing (see the class comment) */
    public static Behavior<Command> create(int worldSize, IntFunction<RankSettings> settings, TrainingPlan plan, long heapPerRank,
                                           Duration discoveryTimeout, ActorRef<TrainingRun.Event> listener, boolean shutdownNodes,
                                           boolean elastic) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ClusterDriver(ctx, timers, worldSize, settings, plan, heapPerRank, discoveryTimeout, listener, shutdownNodes, elastic)));
    }

    private ClusterDriver(ActorContext<Command> ctx, TimerScheduler<Command> timers, int worldSize,
                          IntFunction<RankSettings> settings, TrainingPlan plan, long heapPerRank, Duration discoveryTimeout,
                          ActorRef<TrainingRun.Event> listener, boolean shutdownNodes, boolean elastic) {
        super(ctx);
        this.elastic = elastic;
        this.restorable = CheckpointChoice.start(plan.checkpoint().resumeFrom());
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
        if (!hostOf.isEmpty()) return onRegisteredAgain(m); // discovery is over
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
        for (int r = 0; r < worldSize; r++) hostOf.put(r, r);
        configureAll();
        return this;
    }

    /** An elastic run: the slot of a lost node that registers again takes its rank back at the next checkpoint. */
    private Behavior<Command> onRegisteredAgain(Listing m) {
        if (!elastic) return this;
        for (ActorRef<RankHost.Command> host : m.listing().getServiceInstances(RankHost.KEY)) {
            int rank = RankHost.rankOf(host);
            // another incarnation of the slot (a node restarted at the same address is one too) whose node was lost
            if (rank < 0 || rank >= worldSize || host.equals(hosts.get(rank)) || !lostNodes.contains(nodeOf(hosts.get(rank)))) continue;
            hosts.put(rank, host);
            returning.add(rank);
            getContext().getLog().info("rank slot {} registered again on {}: it takes its rank back after the next checkpoint", rank,
                    host.path().address());
        }
        return this;
    }

    /** Every rank starts afresh in the slot {@link #hostOf} names; the run starts once all have. */
    private void configureAll() {
        configured.clear();
        int r0 = ++round;
        if (replies != null) getContext().stop(replies);
        replies = getContext().spawn(Behaviors.receive(RankHost.HostReply.class).onAnyMessage(reply -> {
            getContext().getSelf().tell(new HostAnswer(r0, reply));
            return Behaviors.same();
        }).build(), "host-replies-" + r0);
        for (var e : hostOf.entrySet()) {
            int rank = e.getKey(), slot = e.getValue();
            RankSettings s = settings.apply(rank);
            hosts.get(slot).tell(slot == rank ? new RankHost.Configure(s, heapPerRank, replies)
                    : RankHost.Configure.adopting(s, heapPerRank, replies));
        }
        timers.startSingleTimer(new Timeout("configuration"), discoveryTimeout);
    }

    private Behavior<Command> onHostAnswer(HostAnswer m) {
        if (m.round() != round) return this; // a configuration given up on
        if (m.reply() instanceof RankHost.HostReply.Refused r) return fail("rank " + r.rank() + " refused its settings: " + r.reason());
        if (!(m.reply() instanceof RankHost.HostReply.Configured c) || run != null) return this;
        configured.put(c.rank(), c.rankActor());
        if (configured.size() < worldSize) return this;
        timers.cancel(new Timeout("configuration"));
        Set<Address> rankNodes = new HashSet<>();
        for (ActorRef<RankMessage> r : configured.values()) rankNodes.add(nodeOf(r));
        if (watch != null) getContext().stop(watch);
        watch = getContext().spawn(MemberWatch.create(member -> rankNodes.contains(member.address()), grace,
                getContext().messageAdapter(MemberWatch.Report.class, Watched::new)), "rank-nodes-" + (generation + 1));
        startRun();
        return this;
    }

    /** A run on the configured ranks: from the start, or resuming the checkpoint a recovery chose. */
    private void startRun() {
        int g = ++generation;
        ActorRef<TrainingRun.Event> events = getContext().spawn(Behaviors.receive(TrainingRun.Event.class)
                .onAnyMessage(e -> {
                    getContext().getSelf().tell(new RunEnded(g, e));
                    return Behaviors.same();
                }).build(), "run-events-" + g);
        TrainingPlan p = loss == null ? plan : plan.withResume(loss.checkpoint());
        run = getContext().spawn(TrainingRun.create(new ArrayList<>(configured.values()), p, settings.apply(0).placement(), events),
                "run-" + g);
    }

    private Behavior<Command> onWatched(MemberWatch.Report report) {
        Address node = report.member().address();
        if (report instanceof MemberWatch.Lost lost) {
            String how = lost.how() == MemberWatch.How.UNREACHABLE
                    ? "silent for longer than the acceptable pause of " + FailureDetection.seconds(failures.acceptablePause())
                    : lost.describe();
            // gives up on the node: until it is down, no member can leave the cluster (this one
            // included), as leaving waits for every member that is not down to agree
            if (lost.how() == MemberWatch.How.UNREACHABLE) Cluster.get(getContext().getSystem()).manager().tell(new Down(node));
            if (elastic) return recover(node, how);
            // tells the run which of its ranks lived on the node
            if (run != null) run.tell(new TrainingRun.RanksLost(ranksOn(node), node.toString(), "was lost (" + how + ")"));
        } else if (report instanceof MemberWatch.Unreachable) {
            if (troubleSince == 0) troubleSince = System.nanoTime();
            if (!grace.isZero()) getContext().getLog().warn("node {} hosting ranks {} is unreachable; the run {} if it stays so for {}",
                    node, Arrays.toString(ranksOn(node)), elastic ? "recovers" : "fails", FailureDetection.seconds(grace));
        } else {
            getContext().getLog().info("node {} is reachable again", node);
        }
        return this;
    }

    /** An elastic run lost {@code node}: its ranks move to the surviving slots, and every rank restores the newest checkpoint. */
    private Behavior<Command> recover(Address node, String how) {
        lostNodes.add(node);
        int[] lostRanks = ranksOn(node);
        if (lostRanks.length == 0) return this; // it hosts no rank any more
        Map<Integer, Integer> next = Rehosting.after(hostOf, slot -> nodeOf(hosts.get(slot)).equals(node));
        if (next.isEmpty()) return fail("node " + node + " was lost (" + how + ") and no rank node survives to take its ranks");
        timers.cancel(new Timeout("settle"));
        suspended = null;
        if (run != null) getContext().stop(run);
        run = null;
        returning.removeIf(slot -> nodeOf(hosts.get(slot)).equals(node));
        hostOf.clear();
        hostOf.putAll(next);
        long since = troubleSince != 0 ? troubleSince : System.nanoTime();
        CheckpointChoice restore = restorable;
        getContext().getLog().warn("node {} was lost ({}) after {} updates; ranks {} move to the surviving nodes and every rank restores {}",
                node, how, updatesDone, Arrays.toString(lostRanks), restore.dir() == null ? "nothing (no checkpoint is complete)" : restore.dir());
        return restart(new Loss(node.toString(), lostRanks, updatesDone, since, restore.dir(), restore.updates()));
    }

    /** Runs the job again from {@code why}'s checkpoint once every rank is configured anew. */
    private Behavior<Command> restart(Loss why) {
        loss = why;
        generation++; // events of the run given up on are dropped from now on
        configureAll();
        return this;
    }

    /** The ranks whose slot is on {@code node}: from where the ranks are placed, so also while a configuration is under way. */
    private int[] ranksOn(Address node) {
        return hostOf.entrySet().stream().filter(e -> nodeOf(hosts.get(e.getValue())).equals(node)).mapToInt(Map.Entry::getKey).toArray();
    }

    private Address nodeOf(ActorRef<?> ref) {
        Address a = ref.path().address();
        return a.hasGlobalScope() ? a : Cluster.get(getContext().getSystem()).selfMember().address();
    }

    private Behavior<Command> onTimeout(Timeout t) {
        if (t.stage().equals("settle")) return suspended == null ? this : fail(suspended);
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
        if (m.generation() != generation) return this; // a run given up on
        TrainingRun.Event event = m.event();
        if (event instanceof TrainingRun.StepCompleted step) {
            updatesDone = step.metrics().update() + 1;
            listener.tell(event);
            if (loss != null) {
                listener.tell(new Recovered(loss.node(), loss.ranks(), loss.updatesDone(), loss.checkpoint(), loss.restoredUpdates(),
                        System.nanoTime() - loss.since()));
                loss = null;
                troubleSince = 0;
            }
            return this;
        }
        if (event instanceof TrainingRun.CheckpointDone done) {
            restorable = new CheckpointChoice(done.dir(), done.updates());
            listener.tell(event);
            return returning.isEmpty() ? this : giveBack(done);
        }
        if (event instanceof TrainingRun.Failed f && elastic) {
            // a lost node fails the run's step long before the membership says so: wait for its verdict
            // (a run restored by a recovery too: a second node may be going)
            run = null;
            suspended = f.reason();
            if (troubleSince == 0) troubleSince = System.nanoTime();
            Duration verdict = failures.acceptablePause().plus(grace).plus(Duration.ofSeconds(10));
            getContext().getLog().warn("the run failed ({}); it recovers if the cluster finds a node lost within {}", f.reason(),
                    FailureDetection.seconds(verdict));
            timers.startSingleTimer(new Timeout("settle"), verdict);
            return this;
        }
        listener.tell(event);
        return finish(event instanceof TrainingRun.Failed f ? f.reason() : "job finished");
    }

    /** A checkpoint is complete: the slots that registered again take their ranks back, and the run resumes it. */
    private Behavior<Command> giveBack(TrainingRun.CheckpointDone done) {
        if (run != null) getContext().stop(run);
        run = null;
        int[] ranks = returning.stream().mapToInt(Integer::intValue).toArray();
        for (int r : ranks) {
            Integer adopter = hostOf.put(r, r);
            if (adopter != null && adopter != r) hosts.get(adopter).tell(new RankHost.Release(r)); // it stops its copy of rank r
        }
        returning.clear();
        String node = hosts.get(ranks[0]).path().address().toString();
        getContext().getLog().info("ranks {} go back to {}, resuming the checkpoint after {} updates", Arrays.toString(ranks), node,
                done.updates());
        return restart(new Loss(node + " (rejoined)", ranks, updatesDone, System.nanoTime(), done.dir(), done.updates()));
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
