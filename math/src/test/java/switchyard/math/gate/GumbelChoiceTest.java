package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.testing.LayerFixture;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The seeded fast path (few logarithms per token) must choose exactly what the full noise matrix chooses. */
class GumbelChoiceTest {

    /** The seeded noise, but only through {@link GateNoise#gumbel}: forces the dense path. */
    private record DenseOnly(GateNoise inner) implements GateNoise {
        @Override public FMatrixRMaj gumbel(int tokens, int experts) { return inner.gumbel(tokens, experts); }
        @Override public FMatrixRMaj jitter(int tokens, int dim, float eps) { return inner.jitter(tokens, dim, eps); }
        @Override public int[] tokenOrder(int tokens) { return inner.tokenOrder(tokens); }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 1.0, 8.0, 60.0})
    void sampledNoiseChoosesExactlyWhatTheDenseMatrixChooses(double logitScale) {
        SplittableRandom random = new SplittableRandom(Double.doubleToLongBits(logitScale));
        for (int trial = 0; trial < 12; trial++) {
            int experts = 2 + random.nextInt(300);
            int k = 2 + random.nextInt(Math.min(3, experts - 1));
            int tokens = 1 + random.nextInt(200);
            int dim = 1 + random.nextInt(8);
            Gate gate = new Gate(LayerFixture.gaussian(dim, experts, logitScale, random), RoutingOptions.builder().topK(k).build());
            FMatrixRMaj x = LayerFixture.gaussian(tokens, dim, 1.0, random);
            if (trial % 3 == 0) x.zero(); // every logit equal: ties everywhere, the noise alone decides
            GateNoise seeded = GateNoise.seeded(trial, 3, 17);
            Routing fast = gate.route(x, seeded, true, new EjmlMatMul());
            Routing dense = gate.route(x, new DenseOnly(seeded), true, new EjmlMatMul());
            assertArrayEquals(dense.expertArray(), fast.expertArray(),
                    "trial " + trial + ": S=" + tokens + " E=" + experts + " k=" + k + " scale " + logitScale);
        }
    }
}
