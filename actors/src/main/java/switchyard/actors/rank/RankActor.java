package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import switchyard.actors.exchange.AllToAll;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.transport.Courier;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.LinkFailed;
import switchyard.actors.transport.Transport;
import switchyard.math.expert.SharedExperts;
import switchyard.math.gate.Gate;
import switchyard.math.layer.ModelInit;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;

import java.util.concurrent.CompletionStage;

/**
 * One rank of the expert-parallel layer: the token side of its own tokens ({@link TokenSide}) and
 * the expert side of its {@code L} experts ({@link ExpertSide}), with the steps in flight in a
 * {@link StepTable}, the parameters' upkeep in {@link Parameters} and {@link Checkpoints}, and a
 * child {@link GateActor} holding its gate replica. This class only receives messages and hands
 * each to the part it belongs to; the all-to-all is {@link AllToAll}.
 *
 * <p>State is per step, so several steps can be in flight. Every gather has a deadline. Bad input
 * (shapes, unknown steps, duplicates, parts outside their step's bounds) is answered with an error
 * value and the rank carries on; so is a message whose handling throws ({@link MessageGuard}).
 */
public final class RankActor extends AbstractBehavior<RankInbox> {

    /**
     * Peers may be told the roster a moment before this rank is (the driver's messages and a
     * peer's first dispatch travel different routes), so dispatches that come first wait.
     */
    private static final int EARLY_MESSAGES = 100_000;

    private final RankSettings settings;
    private final StashBuffer<RankInbox> early;
    /** The router's kernel (float32) and the experts' (at the job's precision). */
    private final MatMul mm;
    private final MatMul expertMm;
    private final ActorRef<GateActor.Command> gate;
    private final ExpertGradients gradients;
    private final StepTable steps;
    private final Failures failures;
    private final RankModel model;
    private final Parameters parameters;
    private final Checkpoints checkpoints;
    private final boolean earlyExperts;
    private final Courier courier;
    private final Migration migration;
    private final DataPlane dataPlane;
    private final PartBounds bounds;
    /** Null until the {@link RankMessage.Roster} has come, like the two sides that use them. */
    private AllToAll allToAll;
    private TokenSide tokens;
    private ExpertSide experts;

    /** A rank whose parameters start from {@link ModelInit} with the settings' seed. */
    public static Behavior<RankInbox> create(RankSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(EARLY_MESSAGES,
                stash -> new RankActor(ctx, timers, stash, settings))));
    }

    /** {@link #create}, as the reference others may hold: only the protocol's messages. */
    public static ActorRef<RankMessage> narrow(ActorRef<RankInbox> rank) {
        return rank.narrow();
    }

    private RankActor(ActorContext<RankInbox> ctx, TimerScheduler<RankInbox> timers, StashBuffer<RankInbox> early,
                      RankSettings settings) {
        super(ctx);
        this.settings = settings;
        this.early = early;
        this.mm = MatMuls.byName(settings.matmul());
        this.expertMm = ExpertKernels.byName(settings.matmul(), settings.precision());
        ExpertSlots slots = new ExpertSlots(settings);
        var config = ctx.getSystem().settings().config();
        boolean reuseBuffers = config.getBoolean("switchyard.reuse-buffers");
        this.gradients = new ExpertGradients(slots::newGrads, reuseBuffers);
        this.steps = new StepTable(settings, timers, gradients, reuseBuffers);
        this.failures = new Failures(settings.rank(), steps, ctx.getLog());
        this.earlyExperts = config.getBoolean("switchyard.early-experts");
        Gate replica = new Gate(ModelInit.gateWeight(settings.seed(), settings.modelDim(), settings.experts()), settings.routing());
        this.gate = ctx.spawn(GateActor.create(replica, settings.rank(), settings.seed(), mm, settings.optimizer().create()),
                "gate", DispatcherSelector.sameAsParent());
        SharedExperts shared = ModelInit.sharedExperts(settings.seed(), settings.sharedExperts(), settings.modelDim(),
                settings.sharedHiddenDim());
        this.model = new RankModel(slots, gradients, shared, settings.optimizer().create(),
                new ExpertGradients(shared::newGrads, reuseBuffers), gate);
        this.courier = Courier.of(ctx.getSystem(), settings.exchange().transport());
        this.migration = new Migration(settings, slots, courier, timers, failures, steps::newestStarted);
        this.parameters = new Parameters(settings, model, ctx.getSelf(), migration);
        this.checkpoints = new Checkpoints(settings, model, ctx.getSelf(), ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
        this.dataPlane = DataPlane.get(ctx.getSystem());
        this.bounds = new PartBounds(settings, failures, dataPlane);
        if (settings.exchange().transport() == Transport.DATA_PLANE) {
            // a broken link loses parts: fail the steps that wait for them now, not at the deadline
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(LinkFailed.class,
                    ctx.messageAdapter(LinkFailed.class, Internal.PeerLinkFailed::new)));
        }
    }

    @Override
    public Receive<RankInbox> createReceive() {
        // no message stops a rank: one that throws fails its step, and the rank keeps its parameters
        Receive<RankInbox> receive = newReceiveBuilder()
                .onMessage(RankMessage.Roster.class, this::onRoster)
                .onMessage(RankMessage.RunStep.class, this::onRunStep)
                .onMessage(ExchangePart.class, this::onPart)
                .onMessage(RankMessage.PartAck.class, m -> {
                    if (allToAll != null) allToAll.acknowledged(m.from());
                    return this;
                })
                .onMessage(Internal.Routed.class, m -> {
                    if (tokens != null) tokens.routed(m);
                    return this;
                })
                .onMessage(Internal.GateBackwardDone.class, m -> {
                    if (tokens != null) tokens.gateBackwardDone(m);
                    return this;
                })
                .onMessage(Internal.PhaseDeadline.class, m -> {
                    failures.deadlinePassed(m.step(), m.phase(), settings.gatherDeadline());
                    return this;
                })
                .onMessage(Internal.PeerLinkFailed.class, m -> {
                    if (allToAll != null) failures.linkFailed(m.event(), allToAll);
                    return this;
                })
                .onMessage(RankMessage.AbortStep.class, this::onAbortStep)
                .onMessage(RankMessage.ReportReplicaGradients.class, m -> then(() -> parameters.reportReplicaGradients(m)))
                .onMessage(RankMessage.ApplyUpdate.class, m -> then(() -> parameters.applyUpdate(m)))
                .onMessage(Internal.GateUpdated.class, m -> then(() -> parameters.gateUpdated(m)))
                .onMessage(RankMessage.ExpertMove.class, m -> then(() -> migration.moveIn(m)))
                .onMessage(Internal.MigrationDeadline.class, m -> then(() -> migration.deadlinePassed(m.after())))
                .onMessage(RankMessage.ReportDigest.class, m -> then(() -> parameters.reportDigest(m)))
                .onMessage(Internal.GateDigest.class, m -> then(() -> parameters.gateDigest(m)))
                .onMessage(RankMessage.InspectGradients.class, m -> then(() -> parameters.inspect(m)))
                .onMessage(RankMessage.LoadParameters.class, m -> then(() -> parameters.load(m)))
                .onMessage(RankMessage.SaveCheckpoint.class, m -> then(() -> checkpoints.save(m)))
                .onMessage(Internal.GateSnapshot.class, m -> pipe(checkpoints.gateSnapshot(m)))
                .onMessage(Internal.CheckpointWritten.class, m -> then(() -> checkpoints.written(m)))
                .onMessage(RankMessage.RestoreCheckpoint.class, m -> pipe(checkpoints.restore(m)))
                .onMessage(Internal.CheckpointRead.class, m -> then(() -> checkpoints.read(m)))
                .onMessage(Internal.WorkFailed.class, m -> then(() -> getContext().getLog().error("rank {}: work off the actor's thread failed",
                        settings.rank(), m.error())))
                .build();
        return MessageGuard.around(receive, failures::unexpected, getContext().getLog());
    }

    private Behavior<RankInbox> then(Runnable handler) {
        handler.run();
        return this;
    }

    /**
     * Tells this rank what {@code work} ends with, when it ends (null: nothing to wait for). The
     * stages of {@link Checkpoints} complete with their failures as values, so a failed stage is
     * a bug: it is logged, and nothing else happens.
     */
    private Behavior<RankInbox> pipe(CompletionStage<Internal> work) {
        if (work != null) getContext().pipeToSelf(work, (result, error) -> result != null ? result : new Internal.WorkFailed(error));
        return this;
    }

    private Behavior<RankInbox> onRoster(RankMessage.Roster roster) {
        if (roster.ranks().size() != settings.worldSize()) {
            getContext().getLog().error("rank {}: roster lists {} ranks, expected W={}", settings.rank(), roster.ranks().size(), settings.worldSize());
            roster.driver().tell(new RankReply.Rejected(-1, settings.rank(), "roster lists " + roster.ranks().size()
                    + " ranks but this job has W=" + settings.worldSize()));
            return this;
        }
        allToAll = new AllToAll(settings.rank(), roster.ranks(), settings.exchange(), settings.modelDim(), courier, dataPlane);
        tokens = new TokenSide(settings, steps, failures, allToAll, bounds, model, expertMm, getContext().getSelf());
        experts = new ExpertSide(settings, steps, failures, allToAll, bounds, model.slots(), expertMm, gradients, earlyExperts);
        failures.driverIs(roster.driver());
        migration.rosterIs(roster.ranks());
        return early.unstashAll(this);
    }

    private Behavior<RankInbox> onRunStep(RankMessage.RunStep m) {
        if (tokens == null) {
            m.replyTo().tell(new RankReply.StepFailed(m.step(), settings.rank(), Phase.ROUTE, new int[0],
                    "rank " + settings.rank() + " has no roster yet"));
            return this;
        }
        tokens.start(m);
        return this;
    }

    /**
     * Parts for the experts go to the expert side, answers coming home to the token side; each
     * checks the part against its step ({@link PartBounds}) before anything is allocated for it.
     */
    private Behavior<RankInbox> onPart(ExchangePart m) {
        if (!bounds.fromARank(m)) return this;
        if (allToAll == null) {
            if (m.exchange() != Exchange.DISPATCH) {
                bounds.refuse(m, m.origin() + ", before this rank's roster");
            } else if (early.isFull()) {
                bounds.refuse(m, m.origin() + ", before the roster, and too many waiting");
            } else if (bounds.admitDispatch(m)) { // what waits must fit its step too
                early.stash(m);
            }
            return this;
        }
        switch (m.exchange()) {
            case DISPATCH -> experts.dispatchIn(m);
            case EXPERT_OUTPUT -> tokens.outputsIn(m);
            case OUTPUT_GRAD -> experts.outputGradientsIn(m);
            case INPUT_GRAD -> tokens.inputGradientsIn(m);
        }
        return this;
    }

    private Behavior<RankInbox> onAbortStep(RankMessage.AbortStep m) {
        if (steps.get(m.step()) != null) {
            getContext().getLog().info("rank {} drops step {}: {}", settings.rank(), m.step(), m.reason());
            steps.retire(m.step());
        }
        gradients.drop(m.step());
        model.sharedGradients().drop(m.step());
        return this;
    }
}
