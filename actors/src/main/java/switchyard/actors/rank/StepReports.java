package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepReport;
import switchyard.actors.protocol.StepTensors;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.Routing;

import java.util.List;

/** Turns a finished step's state into the reply the driver gets. */
final class StepReports {
    private StepReports() {}

    static RankReply.StepDone done(StepState state, int rank, FMatrixRMaj gateGradient, FMatrixRMaj dx, List<ExpertGrads> sharedGradient) {
        TokenStep t = state.tokens;
        Routing r = t.source.routing();
        StepReport report = StepReport.of(r, t.taskLoss, state.traffic.rows(), state.traffic.bytes(), state.clock.nanos());
        StepTensors tensors = t.request.returnTensors() ? tensors(r, t.output, dx) : null;
        return new RankReply.StepDone(state.step, rank, report, gateGradient, tensors, sharedGradient);
    }

    /** Copies: the step's buffers are reused once it retires, and the driver may read these long after. */
    private static StepTensors tensors(Routing r, FMatrixRMaj output, FMatrixRMaj dx) {
        return new StepTensors(r.topK(), r.expertArray(), r.slotArray(), r.keptArray(), r.weightArray(), r.selections(),
                r.keptGroups(), output.copy(), dx == null ? null : dx.copy());
    }
}
