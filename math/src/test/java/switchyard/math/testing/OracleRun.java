package switchyard.math.testing;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.layer.MoeLayer;
import switchyard.math.linalg.MatMul;
import switchyard.math.reference.ExpertTensors;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceResult;

import java.util.ArrayList;
import java.util.List;

import static switchyard.math.reference.ReferenceCase.toF32;

/**
 * One reference case through the oracle layer ({@link MoeLayer}, all experts in one process) on a
 * given matrix kernel, as the result the reference checker reads: for math's reference-vector
 * test and, through math's test-jar, for kernels of other modules.
 */
public final class OracleRun {

    private OracleRun() {
    }

    /** Forward and backward of case {@code c} with its recorded noise, every product on {@code mm}. */
    public static ReferenceResult run(ReferenceCase c, MatMul mm) {
        return run(c, mm, mm);
    }

    /** The same with the router's products on {@code mm} and the experts' on {@code expertMm}. */
    public static ReferenceResult run(ReferenceCase c, MatMul mm, MatMul expertMm) {
        return run(c, mm, expertMm, false);
    }

    /** The same, with the exchanged rows rounded to bfloat16 when {@code bf16Rows} ({@link MoeLayer#roundRowsToBf16}). */
    public static ReferenceResult run(ReferenceCase c, MatMul mm, MatMul expertMm, boolean bf16Rows) {
        Pass p = pass(c, mm, expertMm, bf16Rows);
        List<FMatrixRMaj> dx = p.layer.backward(p.forward, p.lossWeights);
        List<ReferenceResult.Rank> ranks = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            Routing routing = p.forward.sources().get(r).routing();
            ranks.add(rankResult(routing, p.forward.outputs().get(r), dx.get(r), p.layer.gateGrad(r)));
        }
        List<ExpertGrads> grads = new ArrayList<>();
        for (int e = 0; e < c.numExperts(); e++) grads.add(p.layer.expertGrad(e));
        return new ReferenceResult(ranks, grads);
    }

    /** Which experts' hidden units are active in case {@code c}'s forward on these kernels (see {@link MoeLayer#reluPattern}). */
    public static String reluPattern(ReferenceCase c, MatMul mm, MatMul expertMm) {
        Pass p = pass(c, mm, expertMm, false);
        return MoeLayer.reluPattern(p.forward);
    }

    private record Pass(MoeLayer layer, MoeLayer.Forward forward, List<FMatrixRMaj> lossWeights) {}

    private static Pass pass(ReferenceCase c, MatMul mm, MatMul expertMm, boolean bf16Rows) {
        RoutingOptions options = ReferenceResult.optionsFor(c);
        List<Gate> gates = new ArrayList<>();
        List<FMatrixRMaj> inputs = new ArrayList<>(), lossWeights = new ArrayList<>();
        List<GateNoise> noise = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            gates.add(new Gate(toF32(c.gateWeight()), options));
            inputs.add(toF32(c.rank(r).input()));
            lossWeights.add(toF32(c.rank(r).lossWeights()));
            noise.add(GateNoise.recorded(toF32(c.rank(r).noise())));
        }
        List<Expert> experts = new ArrayList<>();
        for (ExpertTensors e : c.experts()) experts.add(new Expert(toF32(e.w1()), toF32(e.b1()), toF32(e.w2()), toF32(e.b2())));
        MoeLayer layer = new MoeLayer(gates, experts, java.util.Collections.nCopies(gates.size(), switchyard.math.expert.SharedExperts.none()), mm, expertMm).roundRowsToBf16(bf16Rows);
        return new Pass(layer, layer.forward(inputs, noise, true), lossWeights);
    }

    /** The flat routing arrays the checker reads. */
    public static ReferenceResult.Rank rankResult(Routing routing, FMatrixRMaj output, FMatrixRMaj dx, FMatrixRMaj gateGrad) {
        return new ReferenceResult.Rank(routing.expertArray(), routing.slotArray(), routing.keptArray(), routing.weightArray(),
                routing.firstChoiceCounts(), routing.lAux(), output, dx, gateGrad);
    }
}
