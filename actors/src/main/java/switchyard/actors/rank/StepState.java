package switchyard.actors.rank;

import switchyard.actors.exchange.PartGather;
import switchyard.actors.exchange.StepTraffic;
import switchyard.actors.protocol.Phase;

/**
 * Everything one rank holds for one step in flight: the token side of its own tokens, the expert
 * side of its experts, the traffic it sent and the time it spent. Opened by the step's first
 * message, whichever side it reaches; everything large it writes lives in its {@link StepArena}.
 */
final class StepState {
    final long step;
    final StepArena arena;
    final TokenStep tokens = new TokenStep();
    final ExpertStep experts;
    final StepTraffic traffic;
    final PhaseClock clock = new PhaseClock();

    StepState(long step, int worldSize, int modelDim, int localExperts, StepArena arena) {
        this.step = step;
        this.arena = arena;
        this.experts = new ExpertStep(worldSize, modelDim, localExperts);
        this.traffic = new StepTraffic(worldSize);
        clock.begin(Phase.DISPATCH);
    }

    /** The gather that {@code p} waits on, or null if {@code p} is not a gather or it has not begun. */
    PartGather gatherOf(Phase p) {
        return switch (p) {
            case DISPATCH -> experts.dispatches;
            case EXPERT_OUTPUT -> tokens.outputs;
            case OUTPUT_GRAD -> experts.outputGradients;
            case INPUT_GRAD -> tokens.inputGradients;
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
        return tokens.done && experts.done;
    }
}
