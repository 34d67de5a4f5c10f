package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.optim.Param;
import switchyard.math.optim.Sgd;
import switchyard.math.testing.LayerFixture;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recycled buffers change no bit: training steps whose buffers go back to the layer after every
 * step, also with two passes in flight at once, give exactly the outputs, input gradients and
 * parameters of steps that always get fresh buffers. Tests run with assertions on, so released
 * buffers are poisoned with NaN: a read after release would show up here as a difference.
 */
class BufferReuseTest {
    private static final MatMul MM = MatMuls.best();
    private static final int STEPS = 6;

    /** One of two identical layers trained side by side; each step draws new tokens, so row counts change. */
    private static final class Trainer {
        final LayerFixture fixture = new LayerFixture(2, 2, 48, 8, 12, RoutingOptions.builder().auxLossWeight(0.01f).build(), 5, MM);
        final Sgd sgd = new Sgd(0.05);
        final List<Param> params = new ArrayList<>();

        Trainer() {
            for (int r = 0; r < fixture.worldSize; r++) params.add(new Param("gate" + r, fixture.gates.get(r).weight(), fixture.layer.gateGrad(r)));
            for (int e = 0; e < fixture.experts.size(); e++) {
                ExpertGrads g = fixture.layer.expertGrad(e);
                params.add(new Param("expert" + e + ".W1", fixture.experts.get(e).w1(), g.w1()));
                params.add(new Param("expert" + e + ".b2", fixture.experts.get(e).b2(), g.b2()));
            }
        }

        MoeLayer.Forward forward(int step) {
            return fixture.layer.forward(tokens(step), noise(step), true);
        }

        List<FMatrixRMaj> backward(MoeLayer.Forward f) {
            return fixture.layer.backward(f, fixture.lossWeights);
        }

        List<FMatrixRMaj> tokens(int step) {
            SplittableRandom random = new SplittableRandom(100 + step);
            List<FMatrixRMaj> x = new ArrayList<>();
            for (int r = 0; r < fixture.worldSize; r++) x.add(LayerFixture.gaussian(fixture.tokens, fixture.modelDim, 1.0, random));
            return x;
        }

        List<GateNoise> noise(int step) {
            List<GateNoise> noise = new ArrayList<>();
            for (int r = 0; r < fixture.worldSize; r++) noise.add(GateNoise.seeded(9, r, step));
            return noise;
        }
    }

    @Test
    void recycledBuffersGiveTheResultsOfFreshOnes() {
        Trainer recycled = new Trainer(), fresh = new Trainer();
        for (int step = 0; step < STEPS; step++) {
            for (Trainer t : List.of(recycled, fresh)) t.fixture.layer.zeroGrad();
            MoeLayer.Forward a = recycled.forward(step), b = fresh.forward(step);
            assertSame(b.outputs(), a.outputs(), "outputs of step " + step);
            assertSame(fresh.backward(b), recycled.backward(a), "input gradients of step " + step);
            recycled.fixture.layer.release(a);
            recycled.sgd.step(recycled.params);
            fresh.sgd.step(fresh.params);
            assertParametersEqual(fresh, recycled);
        }
    }

    @Test
    void twoPassesInFlightRecycleInEitherOrder() {
        Trainer recycled = new Trainer(), fresh = new Trainer();
        for (int step = 0; step + 1 < STEPS; step += 2) {
            for (Trainer t : List.of(recycled, fresh)) t.fixture.layer.zeroGrad();
            // both forwards before either backward, as pipelined micro-batches run
            MoeLayer.Forward a0 = recycled.forward(step), a1 = recycled.forward(step + 1);
            MoeLayer.Forward b0 = fresh.forward(step), b1 = fresh.forward(step + 1);
            assertSame(b0.outputs(), a0.outputs(), "outputs of step " + step);
            assertSame(b1.outputs(), a1.outputs(), "outputs of step " + (step + 1));
            assertSame(fresh.backward(b1), recycled.backward(a1), "input gradients of step " + (step + 1));
            assertSame(fresh.backward(b0), recycled.backward(a0), "input gradients of step " + step);
            // released in alternating order, so the next pair takes them back swapped
            if (step % 4 == 0) {
                recycled.fixture.layer.release(a0);
                recycled.fixture.layer.release(a1);
            } else {
                recycled.fixture.layer.release(a1);
                recycled.fixture.layer.release(a0);
            }
            recycled.sgd.step(recycled.params);
            fresh.sgd.step(fresh.params);
            assertParametersEqual(fresh, recycled);
        }
    }

    private static void assertSame(List<FMatrixRMaj> expected, List<FMatrixRMaj> actual, String what) {
        for (int r = 0; r < expected.size(); r++) {
            FMatrixRMaj e = expected.get(r), a = actual.get(r);
            assertTrue(e.numRows == a.numRows && e.numCols == a.numCols, what + ": shapes differ on rank " + r);
            int n = e.numRows * e.numCols;
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(e.data[i]) != Float.floatToRawIntBits(a.data[i]))
                    throw new AssertionError(what + ", rank " + r + ", element " + i + ": " + e.data[i] + " fresh vs " + a.data[i] + " recycled");
            }
        }
    }

    private static void assertParametersEqual(Trainer expected, Trainer actual) {
        for (int i = 0; i < expected.params.size(); i++) {
            assertArrayEquals(expected.params.get(i).value().data, actual.params.get(i).value().data, expected.params.get(i).name());
        }
    }
}
