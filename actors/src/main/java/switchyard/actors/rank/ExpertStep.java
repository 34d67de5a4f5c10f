package switchyard.actors.rank;

import switchyard.actors.exchange.PartGather;
import switchyard.actors.protocol.Phase;
import switchyard.math.expert.ExpertGrads;

import java.util.List;

/**
 * The expert side of one step on an owner rank: the rows from every source, the local experts run
 * over them as they come in, and the gradients they leave. Written only by {@link ExpertSide}.
 */
final class ExpertStep {
    final PartGather dispatches;
    final ExpertStream forward;
    /** Whether each source said the step runs backward; they must agree. */
    final boolean[] backwardFrom;
    /** Output gradients from every source; null until the forward pass is answered and a backward follows. */
    PartGather outputGradients;
    ExpertStream backward;
    /** The gradients of the backward pass while it runs; handed to {@link ExpertGradients} when it is done. */
    List<ExpertGrads> grads;
    boolean done;

    ExpertStep(int worldSize, int modelDim, int localExperts) {
        this.dispatches = new PartGather(Phase.DISPATCH, worldSize, modelDim);
        this.forward = new ExpertStream(dispatches, localExperts);
        this.backwardFrom = new boolean[worldSize];
    }

    void expectOutputGradients(int worldSize, int modelDim, int localExperts) {
        outputGradients = new PartGather(Phase.OUTPUT_GRAD, worldSize, modelDim);
        backward = new ExpertStream(outputGradients, localExperts);
    }
}
