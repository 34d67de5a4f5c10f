package switchyard.actors.cluster;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * On a rank node: stops the node when its driver is lost, so that a rank node never waits for a
 * driver that is gone. Lost means removed from the cluster (downed), or unreachable for longer
 * than {@code timeout}. A driver that leaves in order is not lost: the node waits for the next
 * one, as it does before the first (a node that has seen no driver has nothing to lose).
 *
 * <p>Why the node stopped completes {@code lost}, for the command that started the node. That
 * includes a node that stops for another reason while its driver is unreachable: a node alone
 * with an unreachable driver may be downed by the split-brain resolver before the timeout, and
 * the driver is still what it lost.
 */
public final class DriverLoss extends AbstractBehavior<MemberWatch.Report> {
    /** The role of a driver node's cluster member. */
    public static final String DRIVER_ROLE = "driver";

    private final CompletableFuture<String> lost;
    /** The driver node that is unreachable now, if any, and since when (System.nanoTime()). */
    private MemberWatch.Unreachable unreachable;
    private long since;

    /** @param lost completed with why the node stops, when the driver is lost */
    public static Behavior<MemberWatch.Report> create(Duration timeout, CompletableFuture<String> lost) {
        return Behaviors.setup(ctx -> new DriverLoss(ctx, timeout, lost));
    }

    private DriverLoss(ActorContext<MemberWatch.Report> ctx, Duration timeout, CompletableFuture<String> lost) {
        super(ctx);
        this.lost = lost;
        ctx.spawn(MemberWatch.create(m -> m.hasRole(DRIVER_ROLE), timeout, ctx.getSelf()), "driver");
    }

    @Override
    public Receive<MemberWatch.Report> createReceive() {
        return newReceiveBuilder()
                .onMessage(MemberWatch.Unreachable.class, m -> {
                    unreachable = m;
                    since = System.nanoTime();
                    return this;
                })
                .onMessage(MemberWatch.Reachable.class, m -> {
                    unreachable = null;
                    return this;
                })
                .onMessage(MemberWatch.Lost.class, this::onLost)
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<MemberWatch.Report> onLost(MemberWatch.Lost m) {
        unreachable = null;
        if (m.inOrder()) {
            getContext().getLog().info("the driver node {} {}; waiting for the next driver", m.member().address(), m.describe());
            return this;
        }
        lost.complete(lostDriver(m, m.describe()));
        getContext().getLog().error("node stopping: {}", lost.getNow(""));
        // down, not leave: leaving waits for the unreachable driver to agree, which it never will
        Cluster cluster = Cluster.get(getContext().getSystem());
        cluster.manager().tell(new Down(cluster.selfMember().address()));
        return this;
    }

    private Behavior<MemberWatch.Report> onStop() {
        if (unreachable != null && !lost.isDone()) {
            Duration silence = Duration.ofSeconds((System.nanoTime() - since) / 1_000_000_000L);
            lost.complete(lostDriver(unreachable, "unreachable for " + FailureDetection.seconds(silence) + ", then "
                    + ClusterNode.shutdownReason(getContext().getSystem())));
        }
        return this;
    }

    private static String lostDriver(MemberWatch.Report about, String how) {
        return "the driver node " + about.member().address() + " was lost (" + how + ")";
    }
}
