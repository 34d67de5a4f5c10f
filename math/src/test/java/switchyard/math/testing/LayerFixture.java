package switchyard.math.testing;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.expert.SharedExperts;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.layer.MoeLayer;
import switchyard.math.linalg.MatMul;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small random layer for tests: W ranks × L experts, random inputs and loss weights R, and the
 * reference loss {@code Σ_r Σ out_r·R_r + router losses}. Noise is seeded per rank, so repeated
 * forwards (as finite differences do) see exactly the same noise.
 */
public final class LayerFixture {
    public final int worldSize, localExperts, tokens, modelDim, hiddenDim;
    public final RoutingOptions options;
    public final FMatrixRMaj gateWeight;
    public final List<Gate> gates = new ArrayList<>();
    public final List<Expert> experts = new ArrayList<>();
    /** Each rank's replica of the shared experts (empty lists without them). */
    public final List<SharedExperts> shared = new ArrayList<>();
    public final List<FMatrixRMaj> inputs = new ArrayList<>();
    public final List<FMatrixRMaj> lossWeights = new ArrayList<>();
    public final MoeLayer layer;
    private final long seed;

    public LayerFixture(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim,
                        RoutingOptions options, long seed, MatMul mm) {
        this(worldSize, localExperts, tokens, modelDim, hiddenDim, 0, options, seed, mm);
    }

    /**
     * With {@code sharedExperts} shared experts of width {@code hiddenDim}, replicated on every rank;
     * with a selection bias in the options, every replica starts from the same random bias.
     */
    public LayerFixture(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int sharedExperts,
                        RoutingOptions options, long seed, MatMul mm) {
        this(worldSize, localExperts, tokens, modelDim, hiddenDim, sharedExperts, options, seed, mm, mm);
    }

    /** The same parameters and data, with the expert products on {@code expertMm} (a bfloat16 kernel, say). */
    public LayerFixture(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int sharedExperts,
                        RoutingOptions options, long seed, MatMul mm, MatMul expertMm) {
        this.worldSize = worldSize;
        this.localExperts = localExperts;
        this.tokens = tokens;
        this.modelDim = modelDim;
        this.hiddenDim = hiddenDim;
        this.options = options;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        int e = worldSize * localExperts;
        gateWeight = gaussian(modelDim, e, 0.8, random);
        for (int r = 0; r < worldSize; r++) gates.add(new Gate(gateWeight.copy(), options));
        for (int i = 0; i < e; i++) experts.add(Expert.initialised(modelDim, hiddenDim, random));
        List<Expert> sharedInit = new ArrayList<>();
        for (int i = 0; i < sharedExperts; i++) sharedInit.add(Expert.initialised(modelDim, hiddenDim, random));
        for (int r = 0; r < worldSize; r++) {
            List<Expert> replica = new ArrayList<>();
            for (Expert x : sharedInit) replica.add(x.copy());
            shared.add(new SharedExperts(replica));
        }
        if (options.usesSelectionBias()) {
            float[] bias = new float[e];
            for (int i = 0; i < e; i++) bias[i] = (float) (0.2 * (random.nextDouble() - 0.5));
            for (Gate g : gates) g.loadSelectionBias(bias);
        }
        for (int r = 0; r < worldSize; r++) {
            inputs.add(gaussian(tokens, modelDim, 1.0, random));
            lossWeights.add(gaussian(tokens, modelDim, 1.0, random));
        }
        layer = new MoeLayer(gates, experts, shared, mm, expertMm);
    }

    public static FMatrixRMaj gaussian(int rows, int cols, double scale, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            // Box–Muller keeps this free of java.util.Random and reproducible across JDKs
            double u = random.nextDouble(), v = random.nextDouble();
            m.data[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return m;
    }

    public List<GateNoise> noise() {
        List<GateNoise> noise = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) noise.add(GateNoise.seeded(seed, r, 0));
        return noise;
    }

    public MoeLayer.Forward forward() {
        return layer.forward(inputs, noise(), true);
    }

    /** {@code Σ_r (Σ out_r ⊙ R_r + router loss_r)}, accumulated in double. */
    public double loss(MoeLayer.Forward f) {
        double loss = 0;
        for (int r = 0; r < worldSize; r++) {
            FMatrixRMaj out = f.outputs().get(r);
            FMatrixRMaj weights = lossWeights.get(r);
            for (int i = 0; i < out.numRows * out.numCols; i++) loss += (double) out.data[i] * weights.data[i];
            loss += f.sources().get(r).routing().routerLoss();
        }
        return loss;
    }

    /** Forward and backward; gradients land in the gates and experts, input gradients are returned. */
    public List<FMatrixRMaj> backward() {
        layer.zeroGrad();
        return layer.backward(forward(), lossWeights);
    }
}
