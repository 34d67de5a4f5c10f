package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.exchange.PartGather;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankMessage;
import switchyard.math.layer.SourceStep;

/**
 * The token side of one step on its own rank: the request, the tokens and what they are scored
 * against, the routing and its blocks ({@link SourceStep}), and the answers coming home. Written
 * only by {@link TokenSide}.
 */
final class TokenStep {
    RankMessage.RunStep request;
    FMatrixRMaj input;
    Objective objective;
    /** Whether the step runs backward (training, and an objective with a gradient). */
    boolean backward;
    SourceStep source;
    /** Expert outputs from every owner; null until the tokens are dispatched. */
    PartGather outputs;
    /** Input gradients from every owner; null until the output gradients are sent. */
    PartGather inputGradients;
    FMatrixRMaj output;
    double taskLoss;
    boolean done;

    /** Whether a {@link RankMessage.RunStep} already started this step here. */
    boolean started() {
        return request != null;
    }

    void expectOutputs(int worldSize, int modelDim) {
        outputs = new PartGather(Phase.EXPERT_OUTPUT, worldSize, modelDim);
    }

    void expectInputGradients(int worldSize, int modelDim) {
        inputGradients = new PartGather(Phase.INPUT_GRAD, worldSize, modelDim);
    }
}
