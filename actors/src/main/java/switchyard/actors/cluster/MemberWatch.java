package switchyard.actors.cluster;

import akka.actor.CoordinatedShutdown;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.UniqueAddress;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Watches some members of the cluster and tells {@code reportTo} when one of them is lost: removed
 * from the cluster, leaving it, or unreachable for longer than a grace period. Being unreachable
 * for a while is not a loss by itself (a node may come back after a pause), so it is reported on
 * its own, and so is a recovery. Each member is reported lost at most once.
 */
public final class MemberWatch extends AbstractBehavior<MemberWatch.Command> {

    /** What the watch tells its owner. */
    public sealed interface Report extends NoSerializationVerificationNeeded permits Unreachable, Reachable, Lost {
        Member member();
    }

    /** Akka's failure detector calls {@code member} unreachable; the grace period starts now. */
    public record Unreachable(Member member) implements Report {}

    /** {@code member} answers again before its grace period ran out. */
    public record Reachable(Member member) implements Report {}

    /**
     * {@code member} is lost.
     *
     * @param unreachableFor how long it had been unreachable by then (zero if it was not)
     */
    public record Lost(Member member, How how, Duration unreachableFor) implements Report {
        /** Whether the member left in order (its node shutting down) rather than failing. */
        public boolean inOrder() {
            return how == How.LEAVING || how == How.LEFT;
        }

        /** What happened, for a message: "unreachable for 30 s", "left the cluster", ... */
        public String describe() {
            String silence = unreachableFor.isZero() ? "" : FailureDetection.seconds(unreachableFor);
            return switch (how) {
                case UNREACHABLE -> silence.isEmpty() ? "unreachable" : "unreachable for " + silence;
                case REMOVED -> "removed from the cluster" + (silence.isEmpty() ? "" : " after being unreachable for " + silence);
                case LEAVING -> "leaving the cluster";
                case LEFT -> "left the cluster";
            };
        }
    }

    public enum How { UNREACHABLE, REMOVED, LEAVING, LEFT }

    public sealed interface Command extends NoSerializationVerificationNeeded permits MemberChanged, ReachabilityChanged, GraceOver {}

    private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

    private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

    private record GraceOver(UniqueAddress node) implements Command {}

    /** Since when a watched member has been unreachable (System.nanoTime()). */
    private record Silence(Member member, long since) {}

    private final Predicate<Member> watched;
    private final Duration grace;
    private final ActorRef<Report> reportTo;
    private final TimerScheduler<Command> timers;
    private final Map<UniqueAddress, Silence> unreachable = new HashMap<>();
    /** By unique address: a node restarted at the same host and port is another member. */
    private final Set<UniqueAddress> lost = new HashSet<>();

    /**
     * @param watched  the members to watch (others are ignored)
     * @param grace    how long a watched member may be unreachable before it is lost (zero: at once)
     */
    public static Behavior<Command> create(Predicate<Member> watched, Duration grace, ActorRef<Report> reportTo) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new MemberWatch(ctx, timers, watched, grace, reportTo)));
    }

    private MemberWatch(ActorContext<Command> ctx, TimerScheduler<Command> timers, Predicate<Member> watched, Duration grace,
                        ActorRef<Report> reportTo) {
        super(ctx);
        this.timers = timers;
        this.watched = watched;
        this.grace = grace;
        this.reportTo = reportTo;
        Cluster cluster = Cluster.get(ctx.getSystem());
        // the current state comes first, as events: a member unreachable already is reported too
        cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
                ClusterEvent.MemberEvent.class));
        cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
                ClusterEvent.ReachabilityEvent.class));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, m -> stopping(), m -> this)
                .onMessage(MemberChanged.class, m -> onMember(m.event()))
                .onMessage(ReachabilityChanged.class, m -> onReachability(m.event()))
                .onMessage(GraceOver.class, m -> onGraceOver(m.node()))
                .build();
    }

    /**
     * Whether this node is shutting down: what happens to other members then tells nothing about
     * them (a node that stops reports every other member removed, whatever their state).
     */
    private boolean stopping() {
        return CoordinatedShutdown.get(Adapter.toClassic(getContext().getSystem())).getShutdownReason().isPresent();
    }

    private Behavior<Command> onReachability(ClusterEvent.ReachabilityEvent e) {
        Member member = e.member();
        if (!watched.test(member) || lost.contains(member.uniqueAddress())) return this;
        if (e instanceof ClusterEvent.UnreachableMember) {
            if (unreachable.containsKey(member.uniqueAddress())) return this;
            unreachable.put(member.uniqueAddress(), new Silence(member, System.nanoTime()));
            reportTo.tell(new Unreachable(member));
            if (grace.isZero()) return onGraceOver(member.uniqueAddress());
            timers.startSingleTimer(member.uniqueAddress(), new GraceOver(member.uniqueAddress()), grace);
        } else if (e instanceof ClusterEvent.ReachableMember && unreachable.remove(member.uniqueAddress()) != null) {
            timers.cancel(member.uniqueAddress());
            reportTo.tell(new Reachable(member));
        }
        return this;
    }

    private Behavior<Command> onGraceOver(UniqueAddress node) {
        Silence silence = unreachable.get(node);
        if (silence != null) report(silence.member(), How.UNREACHABLE);
        return this;
    }

    private Behavior<Command> onMember(ClusterEvent.MemberEvent e) {
        Member member = e.member();
        if (!watched.test(member)) return this;
        if (e instanceof ClusterEvent.MemberLeft) {
            report(member, How.LEAVING);
        } else if (e instanceof ClusterEvent.MemberRemoved removed) {
            report(member, removed.previousStatus() == MemberStatus.exiting() ? How.LEFT : How.REMOVED);
        }
        return this;
    }

    private void report(Member member, How how) {
        if (!lost.add(member.uniqueAddress())) return;
        Silence silence = unreachable.remove(member.uniqueAddress());
        timers.cancel(member.uniqueAddress());
        Duration unreachableFor = silence == null ? Duration.ZERO
                : Duration.ofSeconds((System.nanoTime() - silence.since()) / 1_000_000_000L); // whole seconds: it is for people
        reportTo.tell(new Lost(member, how, unreachableFor));
    }
}
