package switchyard.actors.rank;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankReply;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingBuffers;
import switchyard.math.linalg.MatMul;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.OptimizerState;
import switchyard.math.optim.Param;

import java.util.List;

/**
 * One rank's gate replica. Routes the rank's tokens and runs the gate backward; applies the
 * all-reduced gradient, so that every replica, fed the same sums, stays bit-identical.
 * Always a local child of its rank: its messages never cross nodes.
 */
public final class GateActor extends AbstractBehavior<GateActor.Command> {

    public sealed interface Command extends NoSerializationVerificationNeeded permits Route, Backward, Update, Digest, Load, Snapshot, Restore {}

    /**
     * Route {@code input} into {@code buffers} (the rank's, lent until the answer); Gumbel noise is
     * {@code recordedNoise} if given, else drawn from {@code (seed, rank, step)}.
     */
    public record Route(long step, FMatrixRMaj input, boolean training, FMatrixRMaj recordedNoise, RoutingBuffers buffers,
                        ActorRef<RankInbox> replyTo) implements Command {}

    /**
     * Gate backward of {@code routing} with {@code dLoss/dw} per choice; the input gradient along the
     * gate path is written into {@code inputGradient} (the rank's, lent until the answer).
     */
    public record Backward(long step, Routing routing, float[] weightGradients, FMatrixRMaj inputGradient,
                           ActorRef<RankInbox> replyTo) implements Command {}

    /**
     * Apply the optimizer with the gradient summed over every replica, then move the selection bias
     * by {@code expertLoads} (every rank's selections per expert; ignored without a bias, may be null).
     */
    public record Update(long[] steps, FMatrixRMaj gradientSum, long[] expertLoads, ActorRef<RankInbox> replyTo) implements Command {}

    /** Digest of the replica's weight (and selection bias, when it has one). */
    public record Digest(ActorRef<RankInbox> replyTo) implements Command {}

    /**
     * Overwrite the replica's weight and (unless null) its selection bias; {@code replyTo} hears
     * {@link RankReply.Loaded} for {@code rank}.
     */
    public record Load(FMatrixRMaj weight, float[] selectionBias, ActorRef<RankReply> replyTo, int rank) implements Command {}

    /** A copy of the weight, the selection bias and the optimizer state, for a checkpoint. */
    public record Snapshot(ActorRef<RankInbox> replyTo) implements Command {}

    /** Resume from a checkpoint; {@code replyTo} hears {@link RankReply.Restored}. */
    public record Restore(FMatrixRMaj weight, float[] selectionBias, OptimizerState optimizerState, long updatesDone, int rank,
                          ActorRef<RankReply> replyTo) implements Command {}

    private final Gate gate;
    private final int rank;
    private final long seed;
    private final MatMul mm;
    private final Optimizer optimizer;

    public static Behavior<Command> create(Gate gate, int rank, long seed, MatMul mm, Optimizer optimizer) {
        return Behaviors.setup(ctx -> new GateActor(ctx, gate, rank, seed, mm, optimizer));
    }

    private GateActor(ActorContext<Command> ctx, Gate gate, int rank, long seed, MatMul mm, Optimizer optimizer) {
        super(ctx);
        this.gate = gate;
        this.rank = rank;
        this.seed = seed;
        this.mm = mm;
        this.optimizer = optimizer;
    }

    @Override
    public Receive<Command> createReceive() {
        // no message stops the gate: its replica must stay bit-identical to the others (MessageGuard)
        Receive<Command> receive = newReceiveBuilder()
                .onMessage(Route.class, this::onRoute)
                .onMessage(Backward.class, this::onBackward)
                .onMessage(Update.class, this::onUpdate)
                .onMessage(Digest.class, this::onDigest)
                .onMessage(Load.class, this::onLoad)
                .onMessage(Snapshot.class, m -> {
                    float[] bias = gate.selectionBias();
                    m.replyTo().tell(new Internal.GateSnapshot(gate.weight().copy(), bias == null ? null : bias.clone(), optimizer.state()));
                    return this;
                })
                .onMessage(Restore.class, this::onRestore)
                .build();
        return MessageGuard.around(receive, this::failedOn, getContext().getLog());
    }

    /**
     * Handling {@code m} threw: logged once, and whoever waits on it hears why, so that the rank
     * fails the step at once instead of at its deadline. The replica carries on.
     */
    private void failedOn(Command m, RuntimeException e) {
        String reason = "the gate of rank " + rank + " failed handling a " + m.getClass().getSimpleName() + ": " + e;
        getContext().getLog().error("{}", reason, e);
        if (m instanceof Route r) r.replyTo().tell(new Internal.Routed(r.step(), null, reason, 0));
        else if (m instanceof Backward b) b.replyTo().tell(new Internal.GateBackwardDone(b.step(), null, null, 0, reason));
        else if (m instanceof Update u) u.replyTo().tell(new Internal.GateUpdated(u.steps(), reason));
        else if (m instanceof Load l) l.replyTo().tell(new RankReply.Rejected(-1, l.rank(), reason));
        else if (m instanceof Restore r) r.replyTo().tell(new RankReply.Rejected(-1, r.rank(), reason));
    }

    private Behavior<Command> onRoute(Route m) {
        long t0 = System.nanoTime();
        try {
            GateNoise noise = m.recordedNoise() != null ? GateNoise.recorded(m.recordedNoise()) : GateNoise.seeded(seed, rank, m.step());
            Routing routing = gate.route(m.input(), noise, m.training(), mm, m.buffers());
            m.replyTo().tell(new Internal.Routed(m.step(), routing, null, System.nanoTime() - t0));
        } catch (IllegalArgumentException | IllegalStateException e) {
            m.replyTo().tell(new Internal.Routed(m.step(), null, e.getMessage(), System.nanoTime() - t0));
        }
        return this;
    }

    private Behavior<Command> onBackward(Backward m) {
        long t0 = System.nanoTime();
        FMatrixRMaj weightGradient = gate.newGrad();
        FMatrixRMaj inputGradient = gate.backward(m.routing(), m.weightGradients(), weightGradient, m.inputGradient(), mm);
        m.replyTo().tell(new Internal.GateBackwardDone(m.step(), inputGradient, weightGradient, System.nanoTime() - t0, null));
        return this;
    }

    private Behavior<Command> onUpdate(Update m) {
        String error = null;
        try {
            optimizer.step(List.of(new Param("gate", gate.weight(), m.gradientSum())));
            if (gate.selectionBias() != null && m.expertLoads() != null) gate.updateSelectionBias(m.expertLoads());
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        m.replyTo().tell(new Internal.GateUpdated(m.steps(), error));
        return this;
    }

    private Behavior<Command> onDigest(Digest m) {
        m.replyTo().tell(new Internal.GateDigest(ParameterDigests.ofGate(gate.weight(), gate.selectionBias())));
        return this;
    }

    private Behavior<Command> onLoad(Load m) {
        try {
            if (m.selectionBias() != null) gate.loadSelectionBias(m.selectionBias());
        } catch (IllegalArgumentException | IllegalStateException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, m.rank(), "cannot load the selection bias of rank " + m.rank() + ": " + e.getMessage()));
            return this;
        }
        gate.weight().setTo(m.weight());
        m.replyTo().tell(new RankReply.Loaded(m.rank()));
        return this;
    }

    private Behavior<Command> onRestore(Restore m) {
        if ((m.selectionBias() != null) != (gate.selectionBias() != null)) {
            m.replyTo().tell(new RankReply.Rejected(-1, m.rank(), "the checkpoint of rank " + m.rank() + (m.selectionBias() != null
                    ? " has a selection bias, but this job's routing uses none" : " has no selection bias, but this job's routing uses one")));
            return this;
        }
        try {
            optimizer.restore(m.optimizerState());
        } catch (IllegalArgumentException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, m.rank(), "gate optimizer state of rank " + m.rank() + ": " + e.getMessage()));
            return this;
        }
        if (m.selectionBias() != null) gate.loadSelectionBias(m.selectionBias());
        gate.weight().setTo(m.weight());
        m.replyTo().tell(new RankReply.Restored(m.rank(), m.updatesDone()));
        return this;
    }
}
