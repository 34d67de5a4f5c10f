package switchyard.actors.rank;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.receptionist.ServiceKey;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.checkpoint.RankCheckpoint;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.transport.Courier;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.LinkFailed;
import switchyard.actors.transport.Transport;
import switchyard.actors.wire.WireMessage;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.gate.Gate;
import switchyard.math.gate.Routing;
import switchyard.math.layer.ModelInit;
import switchyard.math.layer.SourceStep;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.OptimizerState;
import switchyard.math.tensor.BufferPool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One rank of the expert-parallel layer: the token side of its own tokens and the expert side of
 * its {@code L} experts, in one actor. The all-to-all is scatter/gather: for step t the rank sends
 * every rank exactly one {@link Dispatch} (empty ones too), gathers one from every rank, runs each
 * local expert once, and answers each source; backward retraces the same routes.
 *
 * <p>State is per step, so several steps can be in flight. Every gather has a deadline. Bad input
 * (shapes, unknown steps, duplicates) is answered with an error value and the rank carries on.
 *
 * <p>Each step in flight writes into its own {@link StepArena} from the rank's pool, and exchange
 * blocks travel without copies inside one JVM: a source lends an owner its block with the
 * {@link Dispatch} and the owner answers in it, so a reply along the route hands the buffer back.
 * A step's arena is reused once the step has retired and everything it lent has come back; the
 * expert gradients of a step are pooled the same way and reused after the update that sums them.
 */
public final class RankActor extends AbstractBehavior<RankActor.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "switchyard-rank");

    public sealed interface Command permits Topology, RunStep, Dispatch, ExpertOutput, OutputGradient, InputGradient,
            ChunkAck, ApplyUpdate, AbortStep, ReportDigest, InspectGradients, LoadParameters, SaveCheckpoint,
            RestoreCheckpoint, GateSnapshot, Routed, GateBackwardDone, GateUpdated, GateDigest,
            PhaseDeadline, PeerLinkFailed {}

    /** Who is who: {@code ranks.get(r)} is rank r. Must come before any step. */
    public record Topology(List<ActorRef<Command>> ranks, ActorRef<RankReply> driver) implements Command, WireMessage {}

    /** Run one step on this rank's tokens; {@code training} adds the backward pass. */
    public record RunStep(long step, Batch batch, boolean training, boolean returnTensors, ActorRef<RankReply> replyTo)
            implements Command, WireMessage {}

    /**
     * Forward route, source → owner: the source's tokens for the owner's experts (one block per
     * pair per step, possibly empty, in one or more parts). Row tags are run-length encoded in
     * {@code part.counts()}: local expert l, slots {@code 0..counts[l]-1}. The rows are lent: the
     * owner may read and overwrite them until it answers with {@link ExpertOutput}, and not after.
     */
    public record Dispatch(long step, int source, boolean backward, RowPart part) implements Command, WireMessage {}

    /** Owner → source: the expert outputs for a {@link Dispatch}, rows in the same order. */
    public record ExpertOutput(long step, int owner, RowPart part) implements Command, WireMessage {}

    /** Backward, source → owner along the forward route: {@code w·dLoss/doutput} per dispatched row, lent like a {@link Dispatch}'s. */
    public record OutputGradient(long step, int source, RowPart part) implements Command, WireMessage {}

    /** Backward, owner → source: {@code dLoss/dinput} per dispatched row. */
    public record InputGradient(long step, int owner, RowPart part) implements Command, WireMessage {}

    /** Rank {@code from} received one exchange part from this rank: one credit back (paced exchanges only). */
    public record ChunkAck(int from) implements Command, WireMessage {}

    /** Apply the optimizer with the gradients of {@code steps} (summed in step order) and the all-reduced gate gradient. */
    public record ApplyUpdate(long[] steps, FMatrixRMaj gateGradient, ActorRef<RankReply> replyTo)
            implements Command, WireMessage {}

    /** The driver gave up on {@code step}: drop its state. */
    public record AbortStep(long step, String reason) implements Command, WireMessage {}

    /** Answer with {@link RankReply.ParameterDigest}. */
    public record ReportDigest(ActorRef<RankReply> replyTo) implements Command, WireMessage {}

    /** Answer with the gradients {@code step} left on this rank's experts ({@link RankReply.Gradients}). */
    public record InspectGradients(long step, ActorRef<RankReply> replyTo) implements Command, WireMessage {}

    /** Replace the gate replica and the local experts (L of them, in local order); answered with {@link RankReply.Loaded}. */
    public record LoadParameters(FMatrixRMaj gateWeight, List<Expert> experts, ActorRef<RankReply> replyTo)
            implements Command, WireMessage {}

    /** Write this rank's checkpoint file into {@code dir}; answered with {@link RankReply.CheckpointSaved}. */
    public record SaveCheckpoint(String dir, long updatesDone, ActorRef<RankReply> replyTo) implements Command, WireMessage {}

    /** Load this rank's checkpoint file from {@code dir}; answered with {@link RankReply.Restored}. */
    public record RestoreCheckpoint(String dir, ActorRef<RankReply> replyTo) implements Command, WireMessage {}

    record GateSnapshot(FMatrixRMaj weight, OptimizerState optimizer) implements Command, NoSerializationVerificationNeeded {}

    record Routed(long step, Routing routing, String error, long nanos) implements Command, NoSerializationVerificationNeeded {}

    record GateBackwardDone(long step, FMatrixRMaj inputGradient, FMatrixRMaj weightGradient, long nanos)
            implements Command, NoSerializationVerificationNeeded {}

    record GateUpdated(long[] steps, String error) implements Command, NoSerializationVerificationNeeded {}

    record GateDigest(byte[] digest) implements Command, NoSerializationVerificationNeeded {}

    private record PhaseDeadline(long step, Phase phase) implements Command, NoSerializationVerificationNeeded {}

    private record PeerLinkFailed(LinkFailed event) implements Command, NoSerializationVerificationNeeded {}

    private record DeadlineKey(long step, Phase phase) {}

    private final RankSettings settings;
    private final TimerScheduler<Command> timers;
    private final StashBuffer<Command> early;
    private final MatMul mm;
    private final ExpertShard shard;
    private final Optimizer expertOptimizer;
    private final ActorRef<GateActor.Command> gate;
    private final Map<Long, StepState> steps = new HashMap<>();
    private final RetiredSteps retired = new RetiredSteps(4096);
    private final Map<Long, List<ExpertGrads>> gradients = new TreeMap<>();
    private final BufferPool<StepArena> arenas = new BufferPool<>(StepArena::new, StepArena::poison);
    private final BufferPool<List<ExpertGrads>> gradientSets;
    /** {@code switchyard.reuse-buffers}: off gives every step fresh buffers, to compare against or to rule reuse out. */
    private final boolean reuseBuffers;
    /** {@code switchyard.early-experts}: off waits for whole blocks before any expert runs, to measure the overlap. */
    private final boolean earlyExperts;
    private final List<ActorRef<RankReply>> digestRequests = new ArrayList<>();
    private ActorRef<RankReply> updateReplyTo;
    private SaveCheckpoint pendingSave;
    /** Null until the {@link Topology} has come. */
    private RankLinks links;
    private final Courier courier;
    private final DataPlane dataPlane;
    private ActorRef<RankReply> driver;
    private long newestStarted = -1;
    private final Batches batches = new Batches();

    /** A rank whose parameters start from {@link ModelInit} with the settings' seed. */
    public static Behavior<Command> create(RankSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(EARLY_MESSAGES,
                stash -> new RankActor(ctx, timers, stash, settings))));
    }

    /**
     * Peers may be told the topology a moment before this rank is (the driver's messages and a
     * peer's first Dispatch travel different routes), so exchange messages that come first wait.
     */
    private static final int EARLY_MESSAGES = 100_000;

    private RankActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> early, RankSettings settings) {
        super(ctx);
        this.settings = settings;
        this.timers = timers;
        this.early = early;
        this.mm = MatMuls.byName(settings.matmul());
        List<Expert> experts = new ArrayList<>();
        for (int l = 0; l < settings.localExperts(); l++) {
            experts.add(ModelInit.expert(settings.seed(), settings.firstExpert() + l, settings.modelDim(), settings.hiddenDim()));
        }
        this.shard = new ExpertShard(settings.firstExpert(), experts);
        this.gradientSets = new BufferPool<>(shard::newGrads, set -> set.forEach(ExpertGrads::poison));
        this.reuseBuffers = ctx.getSystem().settings().config().getBoolean("switchyard.reuse-buffers");
        this.earlyExperts = ctx.getSystem().settings().config().getBoolean("switchyard.early-experts");
        this.expertOptimizer = settings.optimizer().create();
        Gate replica = new Gate(ModelInit.gateWeight(settings.seed(), settings.modelDim(), settings.experts()), settings.routing());
        this.gate = ctx.spawn(GateActor.create(replica, settings.rank(), settings.seed(), mm, settings.optimizer().create()),
                "gate", DispatcherSelector.sameAsParent());
        this.courier = Courier.of(ctx.getSystem(), settings.exchange().transport());
        this.dataPlane = DataPlane.get(ctx.getSystem());
        if (settings.exchange().transport() == Transport.DATA_PLANE) {
            // a broken link loses parts: fail the steps that wait for them now, not at the deadline
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(LinkFailed.class,
                    ctx.messageAdapter(LinkFailed.class, PeerLinkFailed::new)));
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Topology.class, this::onTopology)
                .onMessage(RunStep.class, this::onRunStep)
                .onMessage(Routed.class, this::onRouted)
                .onMessage(Dispatch.class, this::onDispatch)
                .onMessage(ExpertOutput.class, this::onExpertOutput)
                .onMessage(OutputGradient.class, this::onOutputGradient)
                .onMessage(InputGradient.class, this::onInputGradient)
                .onMessage(ChunkAck.class, m -> {
                    if (links != null) links.acknowledged(m.from());
                    return this;
                })
                .onMessage(GateBackwardDone.class, this::onGateBackwardDone)
                .onMessage(PhaseDeadline.class, this::onPhaseDeadline)
                .onMessage(PeerLinkFailed.class, m -> onLinkFailed(m.event()))
                .onMessage(AbortStep.class, this::onAbortStep)
                .onMessage(ApplyUpdate.class, this::onApplyUpdate)
                .onMessage(GateUpdated.class, this::onGateUpdated)
                .onMessage(ReportDigest.class, this::onReportDigest)
                .onMessage(GateDigest.class, this::onGateDigest)
                .onMessage(InspectGradients.class, this::onInspectGradients)
                .onMessage(LoadParameters.class, this::onLoadParameters)
                .onMessage(SaveCheckpoint.class, this::onSaveCheckpoint)
                .onMessage(GateSnapshot.class, this::onGateSnapshot)
                .onMessage(RestoreCheckpoint.class, this::onRestoreCheckpoint)
                .build();
    }

    private int rank() { return settings.rank(); }

    // ---- set-up ---------------------------------------------------------------------------

    private Behavior<Command> onTopology(Topology t) {
        if (t.ranks().size() != settings.worldSize()) {
            getContext().getLog().error("rank {}: topology lists {} ranks, expected W={}", rank(), t.ranks().size(), settings.worldSize());
            t.driver().tell(new RankReply.Rejected(-1, rank(), "topology lists " + t.ranks().size()
                    + " ranks but this job has W=" + settings.worldSize()));
            return this;
        }
        links = new RankLinks(rank(), t.ranks(), settings.exchange(), settings.modelDim(), courier, dataPlane);
        driver = t.driver();
        return early.unstashAll(this);
    }

    // ---- token side: route and dispatch ------------------------------------------------------

    private Behavior<Command> onRunStep(RunStep m) {
        if (links == null) {
            m.replyTo().tell(new RankReply.StepFailed(m.step(), rank(), Phase.ROUTE, new int[0], "rank " + rank() + " has no topology yet"));
            return this;
        }
        if (retired.contains(m.step()) || (steps.containsKey(m.step()) && steps.get(m.step()).request != null)) {
            m.replyTo().tell(new RankReply.Rejected(m.step(), rank(), "duplicate RunStep for step " + m.step() + " on rank " + rank()));
            return this;
        }
        if (Batches.cols(m.batch()) != settings.modelDim()) {
            m.replyTo().tell(new RankReply.StepFailed(m.step(), rank(), Phase.ROUTE, new int[0], "rank " + rank() + " got tokens of shape "
                    + Batches.rows(m.batch()) + "x" + Batches.cols(m.batch()) + " but the model has M=" + settings.modelDim()));
            return this;
        }
        StepState state = steps.computeIfAbsent(m.step(), this::open);
        Batches.Materialised batch = state.timed(Phase.BATCH, Phase.DISPATCH,
                () -> batches.materialise(m.batch(), rank(), m.step(), state.arena));
        FMatrixRMaj input = batch.input();
        Objective objective = batch.objective();
        FMatrixRMaj noise = batch.gumbelNoise();
        state.request = m;
        state.input = input;
        state.objective = objective;
        state.backward = m.training() && !(objective instanceof Objective.None);
        newestStarted = Math.max(newestStarted, m.step());
        state.begin(Phase.ROUTE);
        startDeadline(m.step(), Phase.ROUTE);
        state.arena.lend();
        gate.tell(new GateActor.Route(m.step(), input, m.training(), noise, state.arena.layer.routing, getContext().getSelf()));
        return this;
    }

    private StepState open(long step) {
        startDeadline(step, Phase.DISPATCH);
        return new StepState(step, settings.worldSize(), settings.modelDim(), shard.size(), arenas.take());
    }

    private Behavior<Command> onRouted(Routed m) {
        StepState state = steps.get(m.step());
        if (state == null) return this; // aborted meanwhile
        timers.cancel(new DeadlineKey(m.step(), Phase.ROUTE));
        state.arena.returned();
        state.phaseNanos[Phase.ROUTE.ordinal()] += m.nanos();
        if (m.error() != null) return fail(state, Phase.ROUTE, new int[0], m.error());
        state.source = new SourceStep(m.routing(), state.input, settings.worldSize(), state.arena.layer.source);
        state.outputs = new PartGather(Phase.EXPERT_OUTPUT, settings.worldSize(), settings.modelDim());
        state.begin(Phase.EXPERT_OUTPUT);
        startDeadline(m.step(), Phase.EXPERT_OUTPUT);
        boolean backward = state.backward;
        for (int owner = 0; owner < settings.worldSize(); owner++) {
            state.arena.lend(); // until the owner's outputs come home
            links.sendBlock(state, 0, owner, state.source.dispatchTo(owner), part -> new Dispatch(m.step(), rank(), backward, part));
        }
        return this;
    }

    // ---- expert side: gather, run experts, answer ---------------------------------------------

    private Behavior<Command> onDispatch(Dispatch m) {
        if (links == null) {
            if (early.isFull()) return reject(m.step(), "Dispatch from rank " + m.source() + " before the topology, and too many waiting");
            early.stash(m);
            return this;
        }
        if (retired.contains(m.step()))
            return reject(m.step(), "Dispatch from rank " + m.source() + " for step " + m.step() + ", which already ended on rank " + rank());
        // before its first RunStep a rank cannot know where the driver starts counting (a resumed run
        // starts past 0), so only the sign is checked then; every new step state has its deadline
        boolean tooFarAhead = newestStarted >= 0 && m.step() > newestStarted + settings.maxStepsAhead();
        if (!steps.containsKey(m.step()) && (m.step() < 0 || tooFarAhead))
            return reject(m.step(), "Dispatch from rank " + m.source() + " for unknown step " + m.step()
                    + " (newest started here: " + newestStarted + ")");
        StepState state = steps.computeIfAbsent(m.step(), this::open);
        String shapeError = checkPart("Dispatch", m.source(), m.part());
        if (shapeError != null) return fail(state, Phase.DISPATCH, new int[0], shapeError);
        Behavior<Command> refused = takeExpertSidePart(state, state.dispatches, m.source(), m.part());
        if (refused != null) return refused;
        state.dispatchBackward[m.source()] = m.backward();
        ExpertShard.Pass pass = state.arena.layer.pass;
        Function<RowPart, Command> answer = part -> new ExpertOutput(m.step(), rank(), part);
        try {
            // the outputs overwrite the rows, to go back in the same blocks
            boolean allRun = runReadyExperts(state, state.forwardExperts, Phase.EXPERT_FORWARD, 1, answer,
                    blocks -> shard.startForward(blocks, pass), (l, blocks) -> shard.forwardExpert(l, blocks, pass, mm));
            if (!allRun) return this;
        } catch (IllegalArgumentException e) {
            return fail(state, Phase.DISPATCH, new int[0], e.getMessage());
        }

        boolean backward = state.dispatchBackward[0];
        for (boolean b : state.dispatchBackward) {
            if (b != backward)
                return fail(state, Phase.DISPATCH, new int[0], "ranks disagree whether step " + m.step() + " has a backward pass");
        }
        if (backward) {
            state.expectOutputGradients(settings.modelDim(), shard.size());
            state.begin(Phase.OUTPUT_GRAD);
            startDeadline(m.step(), Phase.OUTPUT_GRAD);
        }
        sendRemainingHome(state, 1, state.forwardExperts.blocks(), answer);
        if (!backward) {
            state.expertSideDone = true;
            retireIfDone(state);
        }
        return this;
    }

    /**
     * Adds a part for this rank's experts to {@code gather}, and stops the gather's clock once the
     * last part is in; null when taken, else the behaviour after answering the refusal.
     */
    private Behavior<Command> takeExpertSidePart(StepState state, PartGather gather, int from, RowPart part) {
        String error = links.take(gather, from, part);
        if (error != null) return reject(state.step, error + " for step " + state.step);
        if (gather.complete()) {
            timers.cancel(new DeadlineKey(state.step, gather.phase()));
            state.end(gather.phase());
        }
        return null;
    }

    /**
     * Runs the experts of one pass whose rows are in (see {@link ExpertStream}); true once all
     * have run. The gather's clock counts only the time no expert computes. When exchanges are
     * chunked, each expert's answers leave as parts right after it ran, while the next expert
     * computes; {@link #sendRemainingHome} sends the rest once all have run.
     */
    private boolean runReadyExperts(StepState state, ExpertStream stream, Phase compute, int exchange,
                                    Function<RowPart, Command> answer, Consumer<List<ExpertRows>> start,
                                    BiConsumer<Integer, List<ExpertRows>> run) {
        if (!earlyExperts && !stream.gather().complete()) return false;
        int rowsPerPart = streamedRowsPerPart();
        return stream.runReady(new ExpertStream.Work() {
            @Override
            public void start(List<ExpertRows> blocks) {
                timed(() -> start.accept(blocks));
            }

            @Override
            public void run(int l, List<ExpertRows> blocks) {
                timed(() -> run.accept(l, blocks));
                if (rowsPerPart == 0) return;
                for (int source = 0; source < blocks.size(); source++) {
                    ExpertRows block = blocks.get(source);
                    links.sendParts(state, exchange, source, RowPart.split(block, block.firstRowOf(l), block.counts()[l], rowsPerPart), answer);
                }
            }

            private void timed(Runnable work) {
                PartGather gather = stream.gather();
                state.timed(compute, gather.complete() ? null : gather.phase(), () -> {
                    work.run();
                    return null;
                });
            }
        });
    }

    /**
     * Sends each source its answered block once every expert has run: whole when exchanges are not
     * chunked (in one JVM, the very buffer the request came in), else only an empty block, which
     * had no expert's rows to send on the way.
     */
    private void sendRemainingHome(StepState state, int exchange, List<ExpertRows> blocks, Function<RowPart, Command> answer) {
        boolean streamed = streamedRowsPerPart() > 0;
        for (int source = 0; source < blocks.size(); source++) {
            ExpertRows block = blocks.get(source);
            if (!streamed || block.rows().numRows == 0) links.sendBlock(state, exchange, source, block, answer);
        }
    }

    /** Rows per part of answers sent expert by expert; 0 when answers go home as whole blocks. */
    private int streamedRowsPerPart() {
        return earlyExperts ? links.rowsPerPart() : 0;
    }

    // ---- token side: combine, loss, output gradients -------------------------------------------

    /**
     * Adds a part coming home to the token side and hands each owner's completed block to
     * {@code accept}. True once every owner's block is in; false while waiting, or when the part
     * was rejected or failed the step (already answered).
     */
    private boolean gatherHome(StepState state, PartGather gather, int owner, RowPart part,
                               BiConsumer<Integer, ExpertRows> accept) {
        String error = links.take(gather, owner, part);
        if (error != null) {
            reject(state.step, error + " for step " + state.step);
            return false;
        }
        if (!gather.completeFrom(owner)) return false;
        state.arena.returned(); // the owner answered in (or copied from) the block it was lent
        try {
            accept.accept(owner, gather.block(owner));
        } catch (IllegalArgumentException e) {
            fail(state, gather.phase(), new int[0], e.getMessage());
            return false;
        }
        if (!gather.complete()) return false;
        timers.cancel(new DeadlineKey(state.step, gather.phase()));
        state.end(gather.phase());
        return true;
    }

    private Behavior<Command> onExpertOutput(ExpertOutput m) {
        StepState state = steps.get(m.step());
        if (state == null || state.outputs == null)
            return reject(m.step(), "ExpertOutput from rank " + m.owner() + " for step " + m.step() + ", which rank " + rank() + " did not dispatch");
        if (!gatherHome(state, state.outputs, m.owner(), m.part(), state.source::acceptOutputs)) return this;
        state.begin(Phase.COMBINE);
        state.output = state.source.combine();
        if (!state.backward) {
            state.taskLoss = state.objective.loss(state.output);
            state.end(Phase.COMBINE);
            return finishTokenSide(state, null, null);
        }
        FMatrixRMaj dOut = state.objective.gradient(state.output, state.arena.outputGradient);
        state.inputGradients = new PartGather(Phase.INPUT_GRAD, settings.worldSize(), settings.modelDim());
        List<ExpertRows> outgoing = new ArrayList<>(settings.worldSize());
        for (int owner = 0; owner < settings.worldSize(); owner++) outgoing.add(state.source.gradientsTo(owner, dOut));
        state.end(Phase.COMBINE);
        state.begin(Phase.INPUT_GRAD);
        startDeadline(m.step(), Phase.INPUT_GRAD);
        for (int owner = 0; owner < settings.worldSize(); owner++) {
            state.arena.lend(); // until the owner's input gradients come home
            links.sendBlock(state, 2, owner, outgoing.get(owner), part -> new OutputGradient(m.step(), rank(), part));
        }
        // only reported, so it waits until the owners have their gradients (2 ms of a large step)
        state.taskLoss = state.objective.loss(state.output);
        return this;
    }

    // ---- expert side: backward ----------------------------------------------------------------

    private Behavior<Command> onOutputGradient(OutputGradient m) {
        StepState state = steps.get(m.step());
        if (state == null || state.outputGradients == null)
            return reject(m.step(), "OutputGradient from rank " + m.source() + " for step " + m.step()
                    + ", for which rank " + rank() + " expects no output gradients");
        String shapeError = checkPart("OutputGradient", m.source(), m.part());
        if (shapeError != null) return fail(state, Phase.OUTPUT_GRAD, new int[0], shapeError);
        Behavior<Command> refused = takeExpertSidePart(state, state.outputGradients, m.source(), m.part());
        if (refused != null) return refused;
        ExpertShard.Pass pass = state.arena.layer.pass;
        Function<RowPart, Command> answer = part -> new InputGradient(m.step(), rank(), part);
        try {
            // the input gradients overwrite the rows
            boolean allRun = runReadyExperts(state, state.backwardExperts, Phase.EXPERT_BACKWARD, 3, answer,
                    blocks -> {
                        state.expertGrads = gradientSets.take();
                        state.expertGrads.forEach(ExpertGrads::zero);
                        shard.startBackward(pass, blocks, state.expertGrads);
                    },
                    (l, blocks) -> shard.backwardExpert(l, pass, blocks, state.expertGrads, mm));
            if (!allRun) return this;
        } catch (IllegalArgumentException e) {
            return fail(state, Phase.OUTPUT_GRAD, new int[0], e.getMessage()); // retiring the step recycles its gradients
        }
        gradients.put(m.step(), state.expertGrads);
        state.expertGrads = null;
        sendRemainingHome(state, 3, state.backwardExperts.blocks(), answer);
        state.expertSideDone = true;
        retireIfDone(state);
        return this;
    }

    // ---- token side: input gradients and the gate backward --------------------------------------

    private Behavior<Command> onInputGradient(InputGradient m) {
        StepState state = steps.get(m.step());
        if (state == null || state.inputGradients == null)
            return reject(m.step(), "InputGradient from rank " + m.owner() + " for step " + m.step()
                    + ", for which rank " + rank() + " sent no output gradients");
        if (!gatherHome(state, state.inputGradients, m.owner(), m.part(), state.source::acceptInputGradients)) return this;
        startDeadline(m.step(), Phase.GATE_BACKWARD);
        state.arena.lend(); // routing, dLoss/dw and the input-gradient matrix, until the gate answers
        gate.tell(new GateActor.Backward(m.step(), state.source.routing(), state.source.weightGradients(),
                state.source.inputGradient(), getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onGateBackwardDone(GateBackwardDone m) {
        StepState state = steps.get(m.step());
        if (state == null) return this;
        timers.cancel(new DeadlineKey(m.step(), Phase.GATE_BACKWARD));
        state.arena.returned();
        state.phaseNanos[Phase.GATE_BACKWARD.ordinal()] += m.nanos();
        FMatrixRMaj dx = m.inputGradient();
        state.source.addInputGradients(dx);
        return finishTokenSide(state, m.weightGradient(), dx);
    }

    private Behavior<Command> finishTokenSide(StepState state, FMatrixRMaj gateGradient, FMatrixRMaj dx) {
        RankReply.StepDone done = StepReports.done(state, rank(), gateGradient, dx);
        state.request.replyTo().tell(done);
        state.tokenSideDone = true;
        state.source = null;
        retireIfDone(state);
        return this;
    }

    // ---- deadlines, failures, rejections ---------------------------------------------------------

    private void startDeadline(long step, Phase phase) {
        timers.startSingleTimer(new DeadlineKey(step, phase), new PhaseDeadline(step, phase), settings.gatherDeadline());
    }

    private Behavior<Command> onPhaseDeadline(PhaseDeadline m) {
        StepState state = steps.get(m.step());
        if (state == null) return this;
        PartGather gather = state.gatherOf(m.phase());
        int[] missing = gather != null ? gather.missing() : new int[] {rank()};
        return fail(state, m.phase(), missing, "no answer within the " + settings.gatherDeadline().toMillis() + " ms deadline");
    }

    /** Every step in flight exchanges with every rank, so losing a link with any rank's node fails them all. */
    private Behavior<Command> onLinkFailed(LinkFailed e) {
        if (links == null || steps.isEmpty()) return this;
        int[] lost = links.ranksOn(e.node());
        if (lost.length == 0) return this;
        String reason = "lost the data-plane link with " + (lost.length == 1 ? "rank " : "ranks ")
                + Arrays.toString(lost).replaceAll("[\\[\\]]", "") + " on node " + e.node() + ": " + e.reason();
        for (StepState state : List.copyOf(steps.values())) fail(state, state.waitingPhase(), lost, reason);
        return this;
    }

    private Behavior<Command> fail(StepState state, Phase phase, int[] missing, String reason) {
        RankReply.StepFailed failed = new RankReply.StepFailed(state.step, rank(), phase, missing, reason);
        getContext().getLog().warn("{}", failed);
        ActorRef<RankReply> to = state.request != null ? state.request.replyTo() : driver;
        if (to != null) to.tell(failed);
        retire(state.step);
        return this;
    }

    private Behavior<Command> reject(long step, String reason) {
        getContext().getLog().warn("rank {} rejected a message: {}", rank(), reason);
        if (driver != null) driver.tell(new RankReply.Rejected(step, rank(), reason));
        return this;
    }

    private Behavior<Command> onAbortStep(AbortStep m) {
        if (steps.containsKey(m.step())) {
            getContext().getLog().info("rank {} drops step {}: {}", rank(), m.step(), m.reason());
            retire(m.step());
        }
        List<ExpertGrads> dropped = gradients.remove(m.step());
        if (dropped != null) recycle(dropped);
        return this;
    }

    private void retireIfDone(StepState state) {
        if (state.done()) retire(state.step);
    }

    private void retire(long step) {
        StepState state = steps.remove(step);
        retired.add(step);
        for (Phase p : Phase.values()) timers.cancel(new DeadlineKey(step, p));
        if (state == null) return;
        recycle(state.expertGrads); // a backward pass that failed part-way: its gradients are read by no update
        state.expertGrads = null;
        if (reuseBuffers && state.arena.allReturned()) arenas.release(state.arena);
    }

    /** A step's expert gradients are no longer read: the next step may reuse them. */
    private void recycle(List<ExpertGrads> grads) {
        if (grads != null && reuseBuffers) gradientSets.release(grads);
    }

    /** A part for this rank's experts must cover exactly L experts at width M. */
    private String checkPart(String what, int from, RowPart part) {
        if (from < 0 || from >= settings.worldSize())
            return what + " from rank " + from + ", but ranks are 0.." + (settings.worldSize() - 1);
        if (part.counts().length != settings.localExperts())
            return what + " from rank " + from + " covers " + part.counts().length + " experts, rank " + rank()
                    + " owns " + settings.localExperts();
        if (part.cols() != settings.modelDim())
            return what + " from rank " + from + " has rows of width " + part.cols() + ", expected M=" + settings.modelDim();
        return null;
    }

    // ---- optimizer and inspection -----------------------------------------------------------------

    private Behavior<Command> onApplyUpdate(ApplyUpdate m) {
        long[] order = m.steps().clone();
        Arrays.sort(order);
        List<ExpertGrads> sum = null;
        for (long step : order) {
            List<ExpertGrads> g = gradients.get(step);
            if (g == null) {
                m.replyTo().tell(new RankReply.StepFailed(step, rank(), Phase.UPDATE, new int[0],
                        "rank " + rank() + " holds no gradients for step " + step));
                return this;
            }
            if (sum == null) {
                sum = g;
            } else {
                for (int l = 0; l < sum.size(); l++) sum.get(l).add(g.get(l));
            }
        }
        if (sum != null) expertOptimizer.step(shard.params(sum));
        for (long step : order) {
            List<ExpertGrads> summed = gradients.remove(step);
            if (summed != null) recycle(summed);
        }
        updateReplyTo = m.replyTo();
        gate.tell(new GateActor.Update(order, m.gateGradient(), getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onGateUpdated(GateUpdated m) {
        if (updateReplyTo == null) return this;
        if (m.error() != null) {
            updateReplyTo.tell(new RankReply.StepFailed(m.steps().length > 0 ? m.steps()[0] : -1, rank(), Phase.UPDATE, new int[0], m.error()));
        } else {
            updateReplyTo.tell(new RankReply.Updated(rank(), m.steps()));
        }
        updateReplyTo = null;
        return this;
    }

    private Behavior<Command> onReportDigest(ReportDigest m) {
        digestRequests.add(m.replyTo());
        gate.tell(new GateActor.Digest(getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onGateDigest(GateDigest m) {
        List<byte[]> experts = new ArrayList<>();
        for (Expert e : shard.experts()) experts.add(ParameterDigests.of(List.of(e.w1(), e.b1(), e.w2(), e.b2())));
        for (ActorRef<RankReply> to : digestRequests) to.tell(new RankReply.ParameterDigest(rank(), m.digest(), experts));
        digestRequests.clear();
        return this;
    }

    private Behavior<Command> onInspectGradients(InspectGradients m) {
        List<ExpertGrads> g = gradients.get(m.step());
        if (g == null) {
            m.replyTo().tell(new RankReply.Rejected(m.step(), rank(), "rank " + rank() + " holds no gradients for step " + m.step()));
        } else {
            List<ExpertGrads> copies = new ArrayList<>(g.size()); // the originals are reused after the update
            for (ExpertGrads e : g) copies.add(e.copy());
            m.replyTo().tell(new RankReply.Gradients(m.step(), rank(), copies));
        }
        return this;
    }

    private Behavior<Command> onLoadParameters(LoadParameters m) {
        try {
            if (m.experts().size() != shard.size())
                throw new IllegalArgumentException(m.experts().size() + " experts sent to rank " + rank() + ", which holds " + shard.size());
            if (m.gateWeight().numRows != settings.modelDim() || m.gateWeight().numCols != settings.experts())
                throw new IllegalArgumentException("gate weight is " + m.gateWeight().numRows + "x" + m.gateWeight().numCols
                        + ", expected " + settings.modelDim() + "x" + settings.experts());
            for (int l = 0; l < shard.size(); l++) shard.expert(l).copyFrom(m.experts().get(l));
        } catch (IllegalArgumentException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "cannot load parameters: " + e.getMessage()));
            return this;
        }
        gate.tell(new GateActor.Load(m.gateWeight(), m.replyTo(), rank()));
        return this;
    }

    // ---- checkpoints ---------------------------------------------------------------------------

    private Behavior<Command> onSaveCheckpoint(SaveCheckpoint m) {
        if (pendingSave != null) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "a checkpoint is already being written on rank " + rank()));
            return this;
        }
        pendingSave = m;
        gate.tell(new GateActor.Snapshot(getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onGateSnapshot(GateSnapshot g) {
        SaveCheckpoint m = pendingSave;
        pendingSave = null;
        if (m == null) return this;
        RankCheckpoint checkpoint = new RankCheckpoint(rank(), settings.worldSize(), settings.localExperts(), settings.modelDim(),
                settings.hiddenDim(), settings.seed(), m.updatesDone(), g.weight(), shard.experts(), expertOptimizer.state(), g.optimizer());
        try {
            java.nio.file.Path path = checkpoint.write(java.nio.file.Path.of(m.dir()));
            m.replyTo().tell(new RankReply.CheckpointSaved(rank(), path.toString()));
        } catch (java.io.IOException | RuntimeException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "rank " + rank() + " cannot write its checkpoint to " + m.dir() + ": " + e));
        }
        return this;
    }

    private Behavior<Command> onRestoreCheckpoint(RestoreCheckpoint m) {
        RankCheckpoint c;
        try {
            c = RankCheckpoint.read(java.nio.file.Path.of(m.dir()), settings);
            expertOptimizer.restore(c.expertOptimizer());
            for (int l = 0; l < shard.size(); l++) shard.expert(l).copyFrom(c.experts().get(l));
        } catch (IllegalArgumentException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), e.getMessage()));
            return this;
        }
        gradients.values().forEach(this::recycle);
        gradients.clear();
        gate.tell(new GateActor.Restore(c.gateWeight(), c.gateOptimizer(), c.updatesDone(), rank(), m.replyTo()));
        return this;
    }
}
