package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.StepReport;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.layer.SourceStep;

import java.util.List;
import java.util.function.Supplier;

/**
 * Everything one rank holds for one step in flight: the token side (its own tokens, routing,
 * outputs and gradients coming home) and the expert side (rows from every source, the shard's
 * activations). Created by the step's first message, whichever side it reaches; everything large
 * it writes lives in its {@link StepArena}.
 */
final class StepState {
    final long step;
    final int worldSize;
    final StepArena arena;

    // token side
    RankActor.RunStep request;
    FMatrixRMaj input;
    Objective objective;
    boolean backward;
    SourceStep source;
    PartGather outputs;
    PartGather inputGradients;
    double taskLoss;
    FMatrixRMaj output;
    boolean tokenSideDone;

    // expert side
    final PartGather dispatches;
    final ExpertStream forwardExperts;
    final boolean[] dispatchBackward;
    PartGather outputGradients;
    ExpertStream backwardExperts;
    List<ExpertGrads> expertGrads;
    boolean expertSideDone;

    // what the step report carries
    final int[][] rowsSent;
    final long[][] bytesSent;
    final long[] phaseNanos = new long[Phase.values().length];
    final long[] phaseStarted = new long[Phase.values().length];

    StepState(long step, int worldSize, int cols, int localExperts, StepArena arena) {
        this.step = step;
        this.worldSize = worldSize;
        this.arena = arena;
        this.dispatches = new PartGather(Phase.DISPATCH, worldSize, cols);
        this.forwardExperts = new ExpertStream(dispatches, localExperts);
        this.dispatchBackward = new boolean[worldSize];
        this.rowsSent = new int[StepReport.EXCHANGES][worldSize];
        this.bytesSent = new long[StepReport.EXCHANGES][worldSize];
        begin(Phase.DISPATCH);
    }

    /** Starts gathering the output gradients for this rank's experts, and the backward pass that runs on them. */
    void expectOutputGradients(int cols, int localExperts) {
        outputGradients = new PartGather(Phase.OUTPUT_GRAD, worldSize, cols);
        backwardExperts = new ExpertStream(outputGradients, localExperts);
    }

    void begin(Phase p) {
        phaseStarted[p.ordinal()] = System.nanoTime();
    }

    void end(Phase p) {
        phaseNanos[p.ordinal()] += System.nanoTime() - phaseStarted[p.ordinal()];
    }

    /**
     * Runs this rank's own work timed as {@code doing}, with the clock of the gather it happens
     * during ({@code waiting}, or null) stopped meanwhile: a gather counts only waiting for peers.
     */
    <T> T timed(Phase doing, Phase waiting, Supplier<T> work) {
        if (waiting != null) end(waiting);
        begin(doing);
        try {
            return work.get();
        } finally {
            end(doing);
            if (waiting != null) begin(waiting);
        }
    }

    void sent(int exchange, int to, int rows, long bytes) {
        rowsSent[exchange][to] += rows;
        bytesSent[exchange][to] += bytes;
    }

    /** The gather that the given phase waits on, or null if the phase is not a gather or has not begun. */
    PartGather gatherOf(Phase p) {
        return switch (p) {
            case DISPATCH -> dispatches;
            case EXPERT_OUTPUT -> outputs;
            case OUTPUT_GRAD -> outputGradients;
            case INPUT_GRAD -> inputGradients;
            default -> null;
        };
    }

    /** The gather this step is waiting on now (the first incomplete one), for failure reports. */
    Phase waitingPhase() {
        for (Phase p : new Phase[] {Phase.DISPATCH, Phase.EXPERT_OUTPUT, Phase.OUTPUT_GRAD, Phase.INPUT_GRAD}) {
            PartGather g = gatherOf(p);
            if (g != null && !g.complete()) return p;
        }
        return Phase.DISPATCH;
    }

    boolean done() {
        return tokenSideDone && expertSideDone;
    }
}
