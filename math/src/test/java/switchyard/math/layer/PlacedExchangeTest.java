package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.placement.Placement;
import switchyard.math.placement.ReplicaSplit;
import switchyard.math.testing.LayerFixture;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exchange under a placement, against the oracle's static exchange on the same routings: a
 * placement that moves experts without replicating them gives the same bits (the sums run in
 * expert order, not owner order), and one with replicas agrees to float rounding.
 */
class PlacedExchangeTest {
    private static final EjmlMatMul MM = new EjmlMatMul();
    /** Top-4 of 6: a token's outputs are summed over four experts, so a sum in owner order would differ. */
    private static final RoutingOptions TOP4 = RoutingOptions.builder().topK(4).noise(NoisePolicy.NONE).capacityFactor(1.5).build();

    /** What the exchange produced: per rank its output and expert path of dLoss/dx and dLoss/dw, and the gradient of every logical expert. */
    private record Result(List<FMatrixRMaj> outputs, List<FMatrixRMaj> inputGradients, List<float[]> weightGradients,
                          List<ExpertGrads> expertGrads) {}

    @Test
    void movingExpertsWithoutReplicasKeepsEveryBit() {
        LayerFixture f = fixture();
        Result statics = staticRun(f);
        Result moved = placedRun(f, Placement.parse("W=3 L=2 R=0 | 5 1 | 0 3 | 4 2"));
        assertSame(statics, moved);
        assertSame(statics, placedRun(f, Placement.staticMap(3, 2))); // and the static map through the placed path
    }

    @Test
    void replicasAgreeToRoundingAndRepeatExactly() {
        LayerFixture f = fixture();
        Result statics = staticRun(f);
        Placement replicated = Placement.parse("W=3 L=2 R=1 | 0 1 0 | 2 3 0 | 4 5 1");
        Result once = placedRun(f, replicated);
        for (int r = 0; r < 3; r++) {
            assertClose(statics.outputs().get(r).data, once.outputs().get(r).data, "output of rank " + r);
            assertClose(statics.inputGradients().get(r).data, once.inputGradients().get(r).data, "dx of rank " + r);
            assertClose(statics.weightGradients().get(r), once.weightGradients().get(r), "dLoss/dw of rank " + r);
        }
        for (int e = 0; e < 6; e++) {
            assertClose(statics.expertGrads().get(e).w1().data, once.expertGrads().get(e).w1().data, "dW1 of expert " + e);
            assertClose(statics.expertGrads().get(e).b2().data, once.expertGrads().get(e).b2().data, "db2 of expert " + e);
        }
        assertSame(once, placedRun(f, replicated));
    }

    @Test
    void aSourceSplitsAnExpertsRowsBetweenItsReplicasByTheRule() {
        LayerFixture f = fixture();
        MoeLayer.Forward fwd = f.forward();
        Placement replicated = Placement.parse("W=3 L=2 R=1 | 0 1 0 | 2 3 0 | 4 5 1");
        for (int source = 0; source < 3; source++) {
            var routing = fwd.sources().get(source).routing();
            SourceStep step = new SourceStep(routing, f.inputs.get(source), replicated, source, new SourceBuffers());
            int[] split = ReplicaSplit.counts(source, routing.tokensAt(0), 3);
            assertEquals(split[0], step.dispatchTo(0).counts()[0], "replica 0 of expert 0, source " + source);
            assertEquals(split[1], step.dispatchTo(0).counts()[2], "replica 1");
            assertEquals(split[2], step.dispatchTo(1).counts()[2], "replica 2");
            assertEquals(routing.tokensAt(3), step.dispatchTo(1).counts()[1], "expert 3 has one replica");
        }
    }

    @Test
    void anAnswerWithOtherCountsThanTheRouteIsRefused() {
        LayerFixture f = fixture();
        MoeLayer.Forward fwd = f.forward();
        Placement moved = Placement.parse("W=3 L=2 R=0 | 5 1 | 0 3 | 4 2");
        var routing = fwd.sources().get(0).routing();
        SourceStep step = new SourceStep(routing, f.inputs.get(0), moved, 0, new SourceBuffers());
        ExpertRows block = step.dispatchTo(1);
        int[] counts = block.counts().clone();
        int[] swapped = {counts[1], counts[0]};
        if (counts[0] == counts[1]) swapped[0]++;
        ExpertRows wrong = new ExpertRows(new FMatrixRMaj(swapped[0] + swapped[1], f.modelDim), swapped);
        var e = assertThrows(IllegalArgumentException.class, () -> step.acceptOutputs(1, wrong));
        assertTrue(e.getMessage().contains("rank 1 answered"), e.getMessage());
    }

    private static LayerFixture fixture() {
        return new LayerFixture(3, 2, 40, 8, 12, TOP4, 17, MM);
    }

    private static Result staticRun(LayerFixture f) {
        MoeLayer.Forward fwd = f.forward();
        f.layer.backward(fwd, f.lossWeights);
        List<FMatrixRMaj> outputs = new ArrayList<>(), dx = new ArrayList<>();
        List<float[]> dw = new ArrayList<>();
        for (int r = 0; r < f.worldSize; r++) {
            outputs.add(fwd.outputs().get(r).copy());
            FMatrixRMaj expertPath = new FMatrixRMaj(f.tokens, f.modelDim);
            fwd.sources().get(r).addInputGradients(expertPath);
            dx.add(expertPath);
            dw.add(fwd.sources().get(r).weightGradients().clone());
        }
        List<ExpertGrads> grads = new ArrayList<>();
        for (int e = 0; e < f.experts.size(); e++) grads.add(f.layer.expertGrad(e).copy());
        return new Result(outputs, dx, dw, grads);
    }

    /** The exchange {@code MoeLayer} runs, with method calls for messages, under {@code placement} and on the routings of a fresh forward. */
    private static Result placedRun(LayerFixture f, Placement placement) {
        MoeLayer.Forward fwd = f.forward(); // only for its routings: the same noise and parameters give the same ones
        int w = f.worldSize;
        List<SourceStep> sources = new ArrayList<>();
        for (int r = 0; r < w; r++) {
            sources.add(new SourceStep(fwd.sources().get(r).routing(), f.inputs.get(r), placement, r, new SourceBuffers()));
        }
        List<ExpertShard> shards = new ArrayList<>();
        List<List<ExpertGrads>> slotGrads = new ArrayList<>();
        List<ExpertShard.Pass> passes = new ArrayList<>();
        for (int r = 0; r < w; r++) {
            int[] ids = placement.expertsOn(r);
            List<Expert> copies = new ArrayList<>();
            for (int id : ids) copies.add(f.experts.get(id).copy());
            ExpertShard shard = new ExpertShard(ids, copies);
            shards.add(shard);
            slotGrads.add(shard.newGrads());
            passes.add(new ExpertShard.Pass());
        }
        for (int owner = 0; owner < w; owner++) {
            List<ExpertRows> arriving = new ArrayList<>();
            for (SourceStep s : sources) arriving.add(s.dispatchTo(owner));
            shards.get(owner).forward(arriving, passes.get(owner), MM);
            for (int r = 0; r < w; r++) sources.get(r).acceptOutputs(owner, arriving.get(r));
        }
        List<FMatrixRMaj> outputs = new ArrayList<>();
        for (SourceStep s : sources) outputs.add(s.combine().copy());
        for (int owner = 0; owner < w; owner++) {
            List<ExpertRows> arriving = new ArrayList<>();
            for (int r = 0; r < w; r++) arriving.add(sources.get(r).gradientsTo(owner, f.lossWeights.get(r)));
            shards.get(owner).backward(passes.get(owner), arriving, slotGrads.get(owner), MM);
            for (int r = 0; r < w; r++) sources.get(r).acceptInputGradients(owner, arriving.get(r));
        }
        List<FMatrixRMaj> dx = new ArrayList<>();
        List<float[]> dw = new ArrayList<>();
        for (SourceStep s : sources) {
            FMatrixRMaj expertPath = new FMatrixRMaj(f.tokens, f.modelDim);
            s.addInputGradients(expertPath);
            dx.add(expertPath);
            dw.add(s.weightGradients().clone());
        }
        List<ExpertGrads> grads = new ArrayList<>(); // replicas summed in replica order, as the driver sums them
        for (int e = 0; e < placement.experts(); e++) {
            ExpertGrads sum = null;
            for (var slot : placement.slotsOf(e)) {
                ExpertGrads g = slotGrads.get(slot.rank()).get(slot.localSlot());
                if (sum == null) sum = g.copy();
                else sum.add(g);
            }
            grads.add(sum);
        }
        return new Result(outputs, dx, dw, grads);
    }

    private static void assertSame(Result a, Result b) {
        for (int r = 0; r < a.outputs().size(); r++) {
            assertArrayEquals(a.outputs().get(r).data, b.outputs().get(r).data, "output of rank " + r);
            assertArrayEquals(a.inputGradients().get(r).data, b.inputGradients().get(r).data, "dx of rank " + r);
            assertArrayEquals(a.weightGradients().get(r), b.weightGradients().get(r), "dLoss/dw of rank " + r);
        }
        for (int e = 0; e < a.expertGrads().size(); e++) {
            ExpertGrads x = a.expertGrads().get(e), y = b.expertGrads().get(e);
            assertArrayEquals(x.w1().data, y.w1().data, "dW1 of expert " + e);
            assertArrayEquals(x.b1().data, y.b1().data, "db1 of expert " + e);
            assertArrayEquals(x.w2().data, y.w2().data, "dW2 of expert " + e);
            assertArrayEquals(x.b2().data, y.b2().data, "db2 of expert " + e);
        }
    }

    /** Float rounding: every element within 1e-5 of the larger magnitude, or 1e-6 absolute. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            float tol = Math.max(1e-6f, 1e-5f * Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }
}
