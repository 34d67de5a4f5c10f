package switchyard.math.reference.v3;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.SharedExperts;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.layer.MoeLayer;
import switchyard.math.linalg.MatMul;
import switchyard.math.reference.ExpertTensors;

import java.util.ArrayList;
import java.util.List;

import static switchyard.math.reference.ReferenceCase.toF32;

/** A v3 case through the oracle ({@link MoeLayer}, all experts in one process) on a given kernel. */
public final class V3Oracle {
    private V3Oracle() {}

    public static V3Result run(V3Case c, MatMul mm) {
        return run(c, mm, mm);
    }

    /** The same with the router's products on {@code mm} and the experts' on {@code expertMm}. */
    public static V3Result run(V3Case c, MatMul mm, MatMul expertMm) {
        Pass p = pass(c, mm, expertMm);
        MoeLayer layer = p.layer;
        MoeLayer.Forward f = p.forward;
        List<FMatrixRMaj> lossWeights = p.lossWeights;
        float[] bias = V3Options.selectionBias(c);
        List<FMatrixRMaj> dx = layer.backward(f, lossWeights);
        List<V3Result.Rank> ranks = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            ranks.add(rank(f.sources().get(r).routing(), f.outputs().get(r), dx.get(r), layer.gateGrad(r), layer.sharedGrad(r)));
        }
        List<ExpertGrads> grads = new ArrayList<>();
        for (int e = 0; e < c.numExperts(); e++) grads.add(layer.expertGrad(e));
        long[] loads = c.options().expertChoice() ? null : MoeLayer.selectionLoads(f);
        float[] after = null;
        if (bias != null) {
            layer.updateSelectionBias(f);
            after = layer.gate(0).selectionBias().clone();
        }
        return new V3Result(ranks, grads, loads, after);
    }

    /** Which hidden units are active in case {@code c}'s forward on these kernels (see {@link MoeLayer#reluPattern}). */
    public static String reluPattern(V3Case c, MatMul mm, MatMul expertMm) {
        return MoeLayer.reluPattern(pass(c, mm, expertMm).forward);
    }

    private record Pass(MoeLayer layer, MoeLayer.Forward forward, List<FMatrixRMaj> lossWeights) {}

    private static Pass pass(V3Case c, MatMul mm, MatMul expertMm) {
        RoutingOptions options = V3Options.of(c);
        float[] bias = V3Options.selectionBias(c);
        List<Gate> gates = new ArrayList<>();
        List<SharedExperts> shared = new ArrayList<>();
        List<FMatrixRMaj> inputs = new ArrayList<>(), lossWeights = new ArrayList<>();
        List<GateNoise> noise = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            Gate g = new Gate(toF32(c.gateWeight()), options);
            if (bias != null) g.loadSelectionBias(bias);
            gates.add(g);
            shared.add(sharedExperts(c));
            inputs.add(toF32(c.rank(r).input()));
            lossWeights.add(toF32(c.rank(r).lossWeights()));
            noise.add(GateNoise.seeded(0, r, 0)); // v3 routing draws no noise
        }
        MoeLayer layer = new MoeLayer(gates, experts(c), shared, mm, expertMm);
        return new Pass(layer, layer.forward(inputs, noise, true), lossWeights);
    }

    /** The flat routing arrays the checker reads. */
    public static V3Result.Rank rank(Routing routing, FMatrixRMaj output, FMatrixRMaj dx, FMatrixRMaj gateGrad, List<ExpertGrads> shared) {
        return new V3Result.Rank(routing.topK(), routing.expertArray(), routing.slotArray(), routing.keptArray(), routing.weightArray(),
                routing.selections(), routing.keptGroups(), routing.lAux(), output, dx, gateGrad, shared);
    }

    /** The case's routed experts in float32, by global id. */
    public static List<Expert> experts(V3Case c) {
        List<Expert> experts = new ArrayList<>();
        for (ExpertTensors e : c.experts()) experts.add(new Expert(toF32(e.w1()), toF32(e.b1()), toF32(e.w2()), toF32(e.b2())));
        return experts;
    }

    /** A fresh replica of the case's shared experts in float32. */
    public static SharedExperts sharedExperts(V3Case c) {
        List<Expert> experts = new ArrayList<>();
        if (c.sharedExperts() != null) {
            for (V3Case.SharedTensors s : c.sharedExperts()) experts.add(new Expert(toF32(s.w1()), toF32(s.b1()), toF32(s.w2()), toF32(s.b2())));
        }
        return new SharedExperts(experts);
    }
}
