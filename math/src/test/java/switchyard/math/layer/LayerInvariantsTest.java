package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;
import switchyard.math.expert.Expert;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.testing.LayerFixture;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** End-to-end properties of the oracle layer that follow from the semantics, not from recorded numbers. */
class LayerInvariantsTest {
    private final EjmlMatMul mm = new EjmlMatMul();

    /**
     * Token s is a one-hot on feature s mod E, the gate is the identity, so its first choice is
     * s mod E; with no noise the second choice is the lowest other expert. Expert e multiplies its
     * input by e+1. Queue positions and drops are recounted here from the rule in the README.
     */
    @Test
    void roundRobinGateWithScalingExpertsRoutesCorrectly() {
        int experts = 4, tokens = 8, worldSize = 2;
        float hot = 3f;
        RoutingOptions options = RoutingOptions.builder().noise(NoisePolicy.NONE).build(); // C = 2·8/4 = 4
        List<Gate> gates = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) gates.add(new Gate(CommonOps_FDRM.identity(experts, experts), options));
        List<Expert> scaling = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            FMatrixRMaj w2 = CommonOps_FDRM.identity(experts, experts);
            CommonOps_FDRM.scale(e + 1, w2);
            scaling.add(new Expert(CommonOps_FDRM.identity(experts, experts), new FMatrixRMaj(1, experts), w2, new FMatrixRMaj(1, experts)));
        }
        MoeLayer layer = new MoeLayer(gates, scaling, mm);
        List<FMatrixRMaj> inputs = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            FMatrixRMaj x = new FMatrixRMaj(tokens, experts);
            for (int s = 0; s < tokens; s++) x.set(s, s % experts, hot);
            inputs.add(x);
        }
        MoeLayer.Forward f = layer.forward(inputs, List.of(GateNoise.seeded(0, 0, 0), GateNoise.seeded(0, 1, 0)), true);

        double big = Math.exp(hot);
        float g1 = (float) (big / (big + experts - 1)), g2 = (float) (1 / (big + experts - 1));
        int capacity = 2 * tokens / experts;
        for (int r = 0; r < worldSize; r++) {
            int[] queued = new int[experts];
            int[] e1 = new int[tokens], e2 = new int[tokens];
            for (int s = 0; s < tokens; s++) { e1[s] = s % experts; e2[s] = e1[s] == 0 ? 1 : 0; queued[e1[s]]++; }
            for (int s = 0; s < tokens; s++) {
                boolean keep1 = s / experts < capacity;      // first choices: two per expert, all fit
                boolean keep2 = queued[e2[s]]++ < capacity;  // second choices queue behind all first choices
                float w1 = keep1 ? g1 : 0f, w2 = keep2 ? g2 : 0f;
                float sum = Math.max(w1 + w2, Math.ulp(1f));
                float expected = hot * ((e1[s] + 1) * w1 + (e2[s] + 1) * w2) / sum;
                assertEquals(e1[s], f.sources().get(r).routing().expert(s, 0));
                assertEquals(e2[s], f.sources().get(r).routing().expert(s, 1));
                assertEquals(keep2, f.sources().get(r).routing().kept(s, 1), "token " + s);
                for (int m = 0; m < experts; m++) {
                    assertEquals(m == e1[s] ? expected : 0f, f.outputs().get(r).get(s, m), 1e-5, "rank " + r + " token " + s);
                }
            }
        }
        assertEquals(4, f.sources().get(0).routing().dropped(1)); // 6 tokens queue 2nd at expert 0 behind 2 first choices
    }

    /** With one expert and top-1 the gate is softmax over one logit, i.e. exactly 1: the layer is the FFN. */
    @Test
    void oneExpertLayerEqualsDenseFfn() {
        SplittableRandom random = new SplittableRandom(11);
        int tokens = 9, dim = 5, hidden = 7;
        RoutingOptions options = RoutingOptions.builder().topK(1).build();
        Gate gate = new Gate(LayerFixture.gaussian(dim, 1, 1.0, random), options);
        Expert expert = Expert.initialised(dim, hidden, random);
        MoeLayer layer = new MoeLayer(List.of(gate), List.of(expert), mm);
        FMatrixRMaj x = LayerFixture.gaussian(tokens, dim, 1.0, random);
        FMatrixRMaj dOut = LayerFixture.gaussian(tokens, dim, 1.0, random);

        MoeLayer.Forward f = layer.forward(List.of(x), List.of(GateNoise.seeded(1, 0, 0)), true);
        FMatrixRMaj dx = layer.backward(f, List.of(dOut)).get(0);

        // the dense FFN and its backward, written out with EJML
        FMatrixRMaj pre = new FMatrixRMaj(tokens, hidden);
        CommonOps_FDRM.mult(x, expert.w1(), pre);
        for (int s = 0; s < tokens; s++) for (int h = 0; h < hidden; h++) pre.set(s, h, pre.get(s, h) + expert.b1().get(0, h));
        FMatrixRMaj act = pre.copy();
        for (int i = 0; i < act.data.length; i++) act.data[i] = Math.max(0f, act.data[i]);
        FMatrixRMaj y = new FMatrixRMaj(tokens, dim);
        CommonOps_FDRM.mult(act, expert.w2(), y);
        for (int s = 0; s < tokens; s++) for (int m = 0; m < dim; m++) y.set(s, m, y.get(s, m) + expert.b2().get(0, m));
        FMatrixRMaj dAct = new FMatrixRMaj(tokens, hidden);
        CommonOps_FDRM.multTransB(dOut, expert.w2(), dAct);
        for (int i = 0; i < dAct.data.length; i++) if (pre.data[i] <= 0) dAct.data[i] = 0;
        FMatrixRMaj denseDx = new FMatrixRMaj(tokens, dim);
        CommonOps_FDRM.multTransB(dAct, expert.w1(), denseDx);
        FMatrixRMaj denseW1 = new FMatrixRMaj(dim, hidden);
        CommonOps_FDRM.multTransA(x, dAct, denseW1);

        assertArrayEquals(y.data, f.outputs().get(0).data, 1e-5f);
        assertArrayEquals(denseDx.data, dx.data, 1e-5f);
        assertArrayEquals(denseW1.data, layer.expertGrad(0).w1().data, 1e-5f);
        for (float g : layer.gateGrad(0).data) assertEquals(0f, g, 1e-6f, "a single expert's gate gets no gradient");
        assertEquals(0, f.sources().get(0).routing().droppedTokens());
    }

    @Test
    void droplessEqualsCapacityOfAllTokens() {
        RoutingOptions dropless = RoutingOptions.builder().dropless(true).build();
        RoutingOptions full = RoutingOptions.builder().fixedCapacity(16).build();
        RoutingOptions tight = RoutingOptions.reference();
        LayerFixture a = new LayerFixture(2, 2, 16, 6, 5, dropless, 5, mm);
        LayerFixture b = new LayerFixture(2, 2, 16, 6, 5, full, 5, mm);
        LayerFixture c = new LayerFixture(2, 2, 16, 6, 5, tight, 5, mm);
        List<FMatrixRMaj> dxA = a.backward(), dxB = b.backward();
        c.backward();
        MoeLayer.Forward fa = a.forward(), fb = b.forward(), fc = c.forward();
        for (int r = 0; r < 2; r++) {
            assertEquals(0, fa.sources().get(r).routing().dropped(1));
            assertArrayEquals(fb.outputs().get(r).data, fa.outputs().get(r).data);
            assertArrayEquals(dxB.get(r).data, dxA.get(r).data);
            assertArrayEquals(b.layer.gateGrad(r).data, a.layer.gateGrad(r).data);
        }
        for (int e = 0; e < 4; e++) assertArrayEquals(b.layer.expertGrad(e).w1().data, a.layer.expertGrad(e).w1().data);
        // and the comparison is not vacuous: the reference capacity drops tokens on this data
        int droppedTight = fc.sources().get(0).routing().dropped(1) + fc.sources().get(1).routing().dropped(1);
        assertFalse(droppedTight == 0, "the tight capacity should drop something on this data");
    }
}
