package switchyard.actors.rank;

import switchyard.actors.exchange.AllToAll;
import switchyard.actors.exchange.Arrival;
import switchyard.actors.exchange.PartGather;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.Phase;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.ExpertShard;
import switchyard.math.linalg.MatMul;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The expert side of a rank's steps: gather every source's rows for the local experts, run each
 * expert as soon as its rows from every source are in, and answer each source along its route;
 * backward the same with the output gradients, leaving the experts' gradients for the update.
 * The numbers are {@link ExpertShard}'s; this class moves them between messages.
 */
final class ExpertSide {
    private final RankSettings settings;
    private final StepTable steps;
    private final Failures failures;
    private final AllToAll allToAll;
    /** Read at every pass: a re-placement between updates changes what the slots hold. */
    private final ExpertSlots slots;
    private final MatMul mm;
    private final ExpertGradients gradients;
    private final PartBounds bounds;
    /** {@code switchyard.early-experts}: off waits for whole blocks before any expert runs, to measure the overlap. */
    private final boolean earlyExperts;

    ExpertSide(RankSettings settings, StepTable steps, Failures failures, AllToAll allToAll, PartBounds bounds, ExpertSlots slots,
               MatMul mm, ExpertGradients gradients, boolean earlyExperts) {
        this.settings = settings;
        this.steps = steps;
        this.failures = failures;
        this.allToAll = allToAll;
        this.slots = slots;
        this.mm = mm;
        this.gradients = gradients;
        this.bounds = bounds;
        this.earlyExperts = earlyExperts;
    }

    private int rank() {
        return settings.rank();
    }

    /**
     * A part of a source's tokens for this rank's experts (forward); the first one may open the
     * step, once it has passed its bounds: a refused part opens nothing.
     */
    void dispatchIn(ExchangePart m) {
        if (steps.isRetired(m.step())) {
            bounds.refuse(m, m.origin() + ", which already ended on rank " + rank());
            return;
        }
        String refusal = steps.refusalOfNew(m.step());
        if (refusal != null) {
            bounds.refuse(m, "Dispatch from rank " + m.from() + " for " + refusal);
            return;
        }
        if (!bounds.admitDispatch(m)) return;
        StepState state = steps.open(m.step());
        ExpertStep e = state.experts;
        if (!gatherPart(state, e.dispatches, m)) return;
        ExpertShard shard = slots.shard();
        e.backwardFrom[m.from()] = m.backward();
        ExpertShard.Pass pass = state.arena.layer.pass;
        try {
            // the outputs overwrite the rows, to go back in the same blocks
            boolean allRun = runReadyExperts(state, e.forward, Phase.EXPERT_FORWARD, Exchange.DISPATCH,
                    blocks -> shard.startForward(blocks, pass), (locals, blocks) -> shard.forwardExperts(locals, blocks, pass, mm));
            if (!allRun) return;
        } catch (IllegalArgumentException ex) {
            failures.fail(state, Phase.DISPATCH, new int[0], ex.getMessage());
            return;
        }
        boolean backward = e.backwardFrom[0];
        for (boolean b : e.backwardFrom) {
            if (b != backward) {
                failures.fail(state, Phase.DISPATCH, new int[0], "ranks disagree whether step " + m.step() + " has a backward pass");
                return;
            }
        }
        if (backward) {
            e.expectOutputGradients(settings.worldSize(), settings.modelDim(), shard.size());
            state.clock.begin(Phase.OUTPUT_GRAD);
            steps.startDeadline(m.step(), Phase.OUTPUT_GRAD);
        }
        answerTheRest(state, Exchange.DISPATCH, e.forward.blocks());
        if (!backward) {
            e.done = true;
            steps.retireIfDone(state);
        }
    }

    /** A part of a source's output gradients (backward, along the forward route). */
    void outputGradientsIn(ExchangePart m) {
        StepState state = steps.get(m.step());
        if (state == null || state.experts.outputGradients == null) {
            bounds.refuse(m, m.origin() + ", for which rank " + rank() + " expects no output gradients");
            return;
        }
        ExpertStep e = state.experts;
        if (!bounds.admitOutputGradient(m, e.dispatches) || !gatherPart(state, e.outputGradients, m)) return;
        ExpertShard shard = slots.shard();
        ExpertShard.Pass pass = state.arena.layer.pass;
        try {
            // the input gradients overwrite the rows
            boolean allRun = runReadyExperts(state, e.backward, Phase.EXPERT_BACKWARD, Exchange.OUTPUT_GRAD,
                    blocks -> {
                        e.grads = gradients.fresh();
                        shard.startBackward(pass, blocks, e.grads);
                    },
                    (locals, blocks) -> shard.backwardExperts(locals, pass, blocks, e.grads, mm));
            if (!allRun) return;
        } catch (IllegalArgumentException ex) {
            failures.fail(state, Phase.OUTPUT_GRAD, new int[0], ex.getMessage()); // retiring the step recycles its gradients
            return;
        }
        gradients.keep(m.step(), e.grads);
        e.grads = null;
        answerTheRest(state, Exchange.OUTPUT_GRAD, e.backward.blocks());
        e.done = true;
        steps.retireIfDone(state);
    }

    /**
     * Adds a part for this rank's experts (already within its bounds) to {@code gather}, and stops
     * the gather's clock once the last part is in; false when the gather refused it (answered).
     */
    private boolean gatherPart(StepState state, PartGather gather, ExchangePart m) {
        Arrival arrival = allToAll.take(gather, m);
        if (arrival.refused()) {
            failures.reject(state.step, arrival.refusal());
            return false;
        }
        if (arrival.allComplete()) {
            steps.cancelDeadline(state.step, gather.phase());
            state.clock.end(gather.phase());
        }
        return true;
    }

    /**
     * Runs the experts of one pass whose rows are in (see {@link ExpertStream}); true once all
     * have run. The gather's clock counts only the time no expert computes. When exchanges are
     * chunked, the answers of the experts that ran leave as parts right after them, while the next
     * experts compute; {@link #answerTheRest} sends the rest once all have run.
     */
    private boolean runReadyExperts(StepState state, ExpertStream stream, Phase compute, Exchange request,
                                    Consumer<List<ExpertRows>> start, BiConsumer<int[], List<ExpertRows>> run) {
        if (!earlyExperts && !stream.gather().complete()) return false;
        boolean streamed = answersStreamed();
        return stream.runReady(new ExpertStream.Work() {
            @Override
            public void start(List<ExpertRows> blocks) {
                timed(() -> start.accept(blocks));
            }

            /** The experts ready together run side by side; their answers then leave in expert order. */
            @Override
            public void run(int from, int to, List<ExpertRows> blocks) {
                timed(() -> run.accept(IntStream.range(from, to).toArray(), blocks));
                if (!streamed) return;
                for (int l = from; l < to; l++) {
                    for (int source = 0; source < blocks.size(); source++) {
                        ExpertRows block = blocks.get(source);
                        allToAll.answerRows(request, state.step, source, block, block.firstRowOf(l), block.counts()[l], state.traffic);
                    }
                }
            }

            private void timed(Runnable work) {
                PartGather gather = stream.gather();
                state.clock.timed(compute, gather.complete() ? null : gather.phase(), () -> {
                    work.run();
                    return null;
                });
            }
        });
    }

    /**
     * Answers each source once every expert has run: with its whole block when answers are not
     * streamed (in one JVM, the very buffer the request came in), else only an empty block, which
     * had no expert's rows to send on the way.
     */
    private void answerTheRest(StepState state, Exchange request, List<ExpertRows> blocks) {
        boolean streamed = answersStreamed();
        for (int source = 0; source < blocks.size(); source++) {
            ExpertRows block = blocks.get(source);
            if (!streamed || block.rows().numRows == 0) allToAll.answer(request, state.step, source, block, state.traffic);
        }
    }

    /** Whether answers go out expert by expert, as parts; else as whole blocks once all experts have run. */
    private boolean answersStreamed() {
        return earlyExperts && allToAll.rowsPerPart() > 0;
    }
}
