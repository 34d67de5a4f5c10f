package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.expert.SharedExperts;

import java.util.SplittableRandom;

/**
 * Initial parameters as a pure function of the seed and the global expert id, so the same job
 * starts from the same numbers however its experts are spread over ranks and nodes.
 */
public final class ModelInit {
    private ModelInit() {}

    /** The gate weight {@code Wg [M×E]}, uniform in ±1/√M; every replica starts from this. */
    public static FMatrixRMaj gateWeight(long seed, int modelDim, int experts) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        FMatrixRMaj w = new FMatrixRMaj(modelDim, experts);
        double bound = 1.0 / Math.sqrt(modelDim);
        for (int i = 0; i < w.data.length; i++) w.data[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        return w;
    }

    /** Shared expert {@code i}: a stream of its own, apart from every routed expert's. */
    public static Expert sharedExpert(long seed, int i, int modelDim, int hiddenDim) {
        return Expert.initialised(modelDim, hiddenDim, new SplittableRandom((seed ^ 0x5DEECE66DL) * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL * (i + 1)));
    }

    /** The {@code n} shared experts every replica starts from. */
    public static SharedExperts sharedExperts(long seed, int n, int modelDim, int hiddenDim) {
        java.util.List<Expert> experts = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) experts.add(sharedExpert(seed, i, modelDim, hiddenDim));
        return new SharedExperts(experts);
    }

    /** Global expert {@code e}. */
    public static Expert expert(long seed, int e, int modelDim, int hiddenDim) {
        return Expert.initialised(modelDim, hiddenDim, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (e + 1)));
    }
}
