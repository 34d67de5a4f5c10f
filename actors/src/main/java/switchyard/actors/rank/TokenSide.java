package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.exchange.AllToAll;
import switchyard.actors.exchange.Arrival;
import switchyard.actors.exchange.PartGather;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.SharedExperts;
import switchyard.math.layer.SourceStep;
import switchyard.math.linalg.MatMul;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The token side of a rank's steps: make the step's tokens, have the gate route them, dispatch each
 * owner its rows, combine the outputs that come home and score them, send the output gradients back
 * along the same routes, add the input gradients that come home, and have the gate run backward.
 * The shared experts run while the routed rows travel. The numbers are {@link SourceStep}'s and
 * {@link SharedExperts}'; this class moves them between messages.
 */
final class TokenSide {
    private final RankSettings settings;
    private final StepTable steps;
    private final Failures failures;
    private final AllToAll allToAll;
    private final PartBounds bounds;
    private final ActorRef<GateActor.Command> gate;
    private final ExpertSlots slots;
    private final SharedExperts shared;
    private final ExpertGradients sharedGradients;
    private final MatMul mm;
    private final ActorRef<RankInbox> self;
    private final Batches batches = new Batches();

    TokenSide(RankSettings settings, StepTable steps, Failures failures, AllToAll allToAll, PartBounds bounds, RankModel model,
              MatMul mm, ActorRef<RankInbox> self) {
        this.settings = settings;
        this.steps = steps;
        this.failures = failures;
        this.allToAll = allToAll;
        this.bounds = bounds;
        this.gate = model.gate();
        this.slots = model.slots();
        this.shared = model.shared();
        this.sharedGradients = model.sharedGradients();
        this.mm = mm;
        this.self = self;
    }

    private int rank() {
        return settings.rank();
    }

    /** The driver starts a step: the rank makes its tokens and lends the gate its routing buffers. */
    void start(RankMessage.RunStep m) {
        StepState existing = steps.get(m.step());
        if (steps.isRetired(m.step()) || (existing != null && existing.tokens.started())) {
            m.replyTo().tell(new RankReply.Rejected(m.step(), rank(), "duplicate RunStep for step " + m.step() + " on rank " + rank()));
            return;
        }
        if (Batches.cols(m.batch()) != settings.modelDim()) {
            m.replyTo().tell(new RankReply.StepFailed(m.step(), rank(), Phase.ROUTE, new int[0], "rank " + rank() + " got tokens of shape "
                    + Batches.rows(m.batch()) + "x" + Batches.cols(m.batch()) + " but the model has M=" + settings.modelDim()));
            return;
        }
        if (Batches.rows(m.batch()) > settings.tokensPerStep()) { // its peers would refuse the rows it sent them
            m.replyTo().tell(new RankReply.StepFailed(m.step(), rank(), Phase.ROUTE, new int[0], "rank " + rank() + " got "
                    + Batches.rows(m.batch()) + " tokens for step " + m.step() + " but the job routes at most "
                    + settings.tokensPerStep() + " a step"));
            return;
        }
        StepState state = steps.open(m.step());
        Batches.Materialised batch = state.clock.timed(Phase.BATCH, Phase.DISPATCH,
                () -> batches.materialise(m.batch(), rank(), m.step(), state.arena));
        TokenStep t = state.tokens;
        t.request = m;
        t.input = batch.input();
        t.objective = batch.objective();
        t.backward = m.training() && !(t.objective instanceof Objective.None);
        steps.started(m.step());
        state.clock.begin(Phase.ROUTE);
        steps.startDeadline(m.step(), Phase.ROUTE);
        state.arena.loans.lend(Loans.GateBuffers.WITH_GATE);
        gate.tell(new GateActor.Route(m.step(), t.input, m.training(), batch.gumbelNoise(), state.arena.layer.routing, self));
    }

    /** The gate routed the tokens: every owner gets its block (forward scatter). */
    void routed(Internal.Routed m) {
        StepState state = steps.get(m.step());
        if (state == null) return; // aborted meanwhile
        steps.cancelDeadline(m.step(), Phase.ROUTE);
        state.arena.loans.returned(Loans.GateBuffers.WITH_GATE);
        state.clock.add(Phase.ROUTE, m.nanos());
        if (m.error() != null) {
            failures.fail(state, Phase.ROUTE, new int[0], m.error());
            return;
        }
        TokenStep t = state.tokens;
        t.source = new SourceStep(m.routing(), t.input, slots.placement(), rank(), state.arena.layer.source);
        t.expectOutputs(settings.worldSize(), settings.modelDim());
        state.clock.begin(Phase.EXPERT_OUTPUT);
        steps.startDeadline(m.step(), Phase.EXPERT_OUTPUT);
        for (int owner = 0; owner < settings.worldSize(); owner++) state.arena.loans.lend(new Loans.OwnerBlock(owner)); // until its outputs come home
        allToAll.scatter(Exchange.DISPATCH, m.step(), t.source::dispatchTo, t.backward, state.traffic);
        if (!shared.isEmpty()) {
            state.clock.timed(Phase.SHARED, Phase.EXPERT_OUTPUT, () -> {
                shared.forward(t.input, state.arena.layer.shared, mm);
                return null;
            });
        }
    }

    /**
     * A part of an owner's expert outputs came home. Once all are in: combine and score, and for a
     * backward pass send every owner its output gradients along the forward route (backward scatter).
     */
    void outputsIn(ExchangePart m) {
        StepState state = steps.get(m.step());
        if (state == null || state.tokens.outputs == null) {
            bounds.refuse(m, m.origin() + ", which rank " + rank() + " did not dispatch");
            return;
        }
        TokenStep t = state.tokens;
        if (!gatherHome(state, t.outputs, m, t.source::acceptOutputs)) return;
        state.clock.begin(Phase.COMBINE);
        t.output = t.source.combine();
        state.arena.layer.shared.addOutput(t.output);
        if (!t.backward) {
            t.taskLoss = t.objective.loss(t.output);
            state.clock.end(Phase.COMBINE);
            finish(state, null, null);
            return;
        }
        FMatrixRMaj dOut = t.objective.gradient(t.output, state.arena.outputGradient);
        t.expectInputGradients(settings.worldSize(), settings.modelDim());
        List<ExpertRows> outgoing = new ArrayList<>(settings.worldSize());
        for (int owner = 0; owner < settings.worldSize(); owner++) outgoing.add(t.source.gradientsTo(owner, dOut));
        state.clock.end(Phase.COMBINE);
        state.clock.begin(Phase.INPUT_GRAD);
        steps.startDeadline(m.step(), Phase.INPUT_GRAD);
        for (int owner = 0; owner < settings.worldSize(); owner++) state.arena.loans.lend(new Loans.OwnerBlock(owner)); // until its input gradients come home
        allToAll.scatter(Exchange.OUTPUT_GRAD, m.step(), outgoing::get, false, state.traffic);
        if (!shared.isEmpty()) {
            state.clock.timed(Phase.SHARED, Phase.INPUT_GRAD, () -> {
                List<ExpertGrads> grads = sharedGradients.fresh();
                shared.backward(state.arena.layer.shared, dOut, grads, mm);
                sharedGradients.keep(m.step(), grads);
                return null;
            });
        }
        // only reported, so it waits until the owners have their gradients
        t.taskLoss = t.objective.loss(t.output);
    }

    /** A part of an owner's input gradients came home. Once all are in, the gate runs backward. */
    void inputGradientsIn(ExchangePart m) {
        StepState state = steps.get(m.step());
        if (state == null || state.tokens.inputGradients == null) {
            bounds.refuse(m, m.origin() + ", for which rank " + rank() + " sent no output gradients");
            return;
        }
        TokenStep t = state.tokens;
        if (!gatherHome(state, t.inputGradients, m, t.source::acceptInputGradients)) return;
        steps.startDeadline(m.step(), Phase.GATE_BACKWARD);
        state.arena.loans.lend(Loans.GateBuffers.WITH_GATE); // routing, dLoss/dw and the input-gradient matrix, until the gate answers
        gate.tell(new GateActor.Backward(m.step(), t.source.routing(), t.source.weightGradients(), t.source.inputGradient(), self));
    }

    /** The gate ran backward: the expert paths join its path of {@code dLoss/dx}, and the driver hears the step is done. */
    void gateBackwardDone(Internal.GateBackwardDone m) {
        StepState state = steps.get(m.step());
        if (state == null) return;
        steps.cancelDeadline(m.step(), Phase.GATE_BACKWARD);
        state.arena.loans.returned(Loans.GateBuffers.WITH_GATE);
        state.clock.add(Phase.GATE_BACKWARD, m.nanos());
        if (m.error() != null) {
            failures.fail(state, Phase.GATE_BACKWARD, new int[0], m.error());
            return;
        }
        FMatrixRMaj dx = m.inputGradient();
        state.tokens.source.addInputGradients(dx);
        state.arena.layer.shared.addInputGradient(dx);
        finish(state, m.weightGradient(), dx);
    }

    private void finish(StepState state, FMatrixRMaj gateGradient, FMatrixRMaj dx) {
        TokenStep t = state.tokens;
        List<ExpertGrads> sharedGrads = sharedGradients.of(state.step); // kept until the update: the driver reads them
        t.request.replyTo().tell(StepReports.done(state, rank(), gateGradient, dx, sharedGrads == null ? List.of() : sharedGrads));
        t.done = true;
        t.source = null;
        steps.retireIfDone(state);
    }

    /**
     * Adds a part coming home to {@code gather} and hands each owner's completed block to
     * {@code accept}. True once every owner's block is in; false while waiting, or when the part
     * was rejected (its counts must be those this rank sent) or failed the step (already answered).
     */
    private boolean gatherHome(StepState state, PartGather gather, ExchangePart part, BiConsumer<Integer, ExpertRows> accept) {
        if (state.tokens.done) { // its routing is gone: the step waits only for its expert side here
            bounds.refuse(part, part.origin() + ", which already ended on rank " + rank());
            return false;
        }
        if (!bounds.admitAnswer(part, state.tokens.source.route())) return false;
        Arrival arrival = allToAll.take(gather, part);
        if (arrival.refused()) {
            failures.reject(state.step, arrival.refusal());
            return false;
        }
        if (!arrival.blockComplete()) return false;
        int owner = part.from();
        state.arena.loans.returned(new Loans.OwnerBlock(owner)); // it answered in (or copied from) the block it was lent
        try {
            accept.accept(owner, gather.block(owner));
        } catch (IllegalArgumentException e) {
            failures.fail(state, gather.phase(), new int[0], e.getMessage());
            return false;
        }
        if (!arrival.allComplete()) return false;
        steps.cancelDeadline(state.step, gather.phase());
        state.clock.end(gather.phase());
        return true;
    }
}
