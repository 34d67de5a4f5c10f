package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.AmxMatMul;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.reference.ExpertTensors;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.ReferenceResult;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static switchyard.math.reference.ReferenceCase.toF32;

/**
 * Every reference case (directory: {@code -Dswitchyard.vectors}, default the project's copy)
 * through the oracle layer, with every matrix kernel: routes exactly, numbers within the float32
 * tolerance.
 */
class ReferenceVectorsTest {

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(ReferenceCases.all().isEmpty(), "no reference case in " + ReferenceCases.directory());
    }

    @ParameterizedTest(name = "{0} with the fast kernel")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithTheDefaultKernel(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, run(c, MatMuls.best()));
    }

    @ParameterizedTest(name = "{0} with every product on AMX tiles")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithEveryProductOnTiles(String name, ReferenceCase c) {
        // The default sends products this small to the vector kernel; force them onto tiles.
        Assumptions.assumeTrue(AmxMatMul.available(), () -> "no AMX: " + AmxMatMul.unavailableReason());
        ReferenceCheck.assertMatches(c, run(c, AmxMatMul.forAllSizes(2)));
    }

    @ParameterizedTest(name = "{0} with EJML")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithEjml(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, run(c, MatMuls.ejml()));
    }

    static ReferenceResult run(ReferenceCase c, MatMul mm) {
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
        MoeLayer layer = new MoeLayer(gates, experts, mm);
        MoeLayer.Forward f = layer.forward(inputs, noise, true);
        List<FMatrixRMaj> dx = layer.backward(f, lossWeights);
        List<ReferenceResult.Rank> ranks = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            Routing routing = f.sources().get(r).routing();
            ranks.add(rankResult(routing, f.outputs().get(r), dx.get(r), layer.gateGrad(r)));
        }
        List<ExpertGrads> grads = new ArrayList<>();
        for (int e = 0; e < c.numExperts(); e++) grads.add(layer.expertGrad(e));
        return new ReferenceResult(ranks, grads);
    }

    /** The flat routing arrays the checker reads. */
    public static ReferenceResult.Rank rankResult(Routing routing, FMatrixRMaj output, FMatrixRMaj dx, FMatrixRMaj gateGrad) {
        return new ReferenceResult.Rank(routing.expertArray(), routing.slotArray(), routing.keptArray(), routing.weightArray(),
                routing.firstChoiceCounts(), routing.lAux(), output, dx, gateGrad);
    }
}
