package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.CoordinatedShutdown;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import switchyard.actors.wire.WireMessage;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells peers where this node's data plane listens. It lives at {@code /system/switchyard-data-plane}
 * on every cluster node, so a sender can ask any node it knows the Akka address of, over Akka, before
 * its first frame. The answer is only a port: the host is always the node's own canonical hostname,
 * so a link never connects anywhere the cluster does not already talk to. It also drops the links
 * of nodes the cluster removed, so no thread is left waiting on a node that is gone.
 */
public final class DataPlaneLocator {
    static final String NAME = "switchyard-data-plane";
    /** One ask may be lost while a node is still starting; asks repeat until the connect timeout. */
    private static final Duration ASK_EVERY = Duration.ofSeconds(2);

    private DataPlaneLocator() {}

    public sealed interface Command permits Locate, MemberGone {}

    /** Where does your data plane listen? Answered with {@link Located}. */
    public record Locate(ActorRef<Located> replyTo) implements Command, WireMessage {}

    /** The data plane of the node that answered listens on {@code port} of its canonical hostname. */
    public record Located(int port) implements WireMessage {}

    private record MemberGone(Address node) implements Command, NoSerializationVerificationNeeded {}

    static Behavior<Command> create(DataPlane plane, int port) {
        return Behaviors.setup(ctx -> {
            if (ctx.getSystem().settings().config().getString("akka.actor.provider").equals("cluster")) {
                Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
                        ctx.messageAdapter(ClusterEvent.MemberRemoved.class, e -> new MemberGone(e.member().address())),
                        ClusterEvent.MemberRemoved.class));
            }
            return Behaviors.receive(Command.class)
                    .onMessage(Locate.class, m -> {
                        m.replyTo().tell(new Located(port));
                        return Behaviors.same();
                    })
                    .onMessage(MemberGone.class, m -> {
                        // a node that is shutting down sees its peers removed too: not news, its links close with it
                        boolean leaving = CoordinatedShutdown.get(Adapter.toClassic(ctx.getSystem())).getShutdownReason().isPresent();
                        if (!leaving) plane.forget(m.node(), "node " + m.node() + " was removed from the cluster");
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /**
     * The data-plane port of {@code node}, asked over Akka (blocking: for link threads only).
     * Fails with an {@link IOException} naming the node if it does not answer within {@code timeout}.
     */
    static int locate(ActorSystem<?> system, Address node, Duration timeout) throws IOException, InterruptedException {
        ActorRef<Command> locator = ActorRefResolver.get(system).resolveActorRef(node + "/system/" + NAME);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0)
                throw new IOException("node " + node + " did not tell where its data plane listens within " + timeout.toMillis()
                        + " ms (last attempt: " + last + ")");
            Duration ask = Duration.ofNanos(Math.min(left, ASK_EVERY.toNanos()));
            try {
                int port = AskPattern.<Command, Located>ask(locator, Locate::new, ask, system.scheduler())
                        .toCompletableFuture().get(ask.toMillis() + 1000, TimeUnit.MILLISECONDS).port();
                if (port < 1 || port > 65535) throw new IOException("node " + node + " says its data plane listens on port " + port);
                return port;
            } catch (ExecutionException | TimeoutException e) {
                // no answer yet (Akka's ask timed out, or the node is still starting): ask again
                last = DataPlane.describe(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
            }
        }
    }
}
