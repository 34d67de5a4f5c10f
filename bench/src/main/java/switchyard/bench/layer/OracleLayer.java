package switchyard.bench.layer;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.SharedExperts;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.layer.MoeLayer;
import switchyard.math.linalg.MatMul;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.Param;
import switchyard.math.optim.Sgd;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The oracle layer of one benchmark configuration with a fixed batch of random tokens and output
 * gradients on every folded rank, ready to run steps: what {@link OracleBench} times and the JMH
 * benchmark profiles. Every step gives its buffers back to the layer, as a training loop would.
 */
public final class OracleLayer {
    private final LayerConfig config;
    private final int worldSize;
    private final MoeLayer layer;
    private final List<FMatrixRMaj> inputs = new ArrayList<>();
    private final List<FMatrixRMaj> dOut = new ArrayList<>();
    private final List<GateNoise> noise = new ArrayList<>();
    private final List<Param> params = new ArrayList<>();
    private final Optimizer sgd = new Sgd(1e-4);

    public OracleLayer(LayerConfig config, int worldSize, MatMul mm) {
        this(config, worldSize, mm, mm);
    }

    /** With the router's products on {@code mm} and the experts' on {@code expertMm}. */
    public OracleLayer(LayerConfig config, int worldSize, MatMul mm, MatMul expertMm) {
        config.expertsPerRank(worldSize); // refuses a world that does not divide E
        this.config = config;
        this.worldSize = worldSize;
        SplittableRandom random = new SplittableRandom(1);
        List<Gate> gates = new ArrayList<>();
        FMatrixRMaj wg = uniform(config.modelDim(), config.experts(), 0.1, random);
        for (int r = 0; r < worldSize; r++) gates.add(new Gate(wg.copy(), config.routing()));
        List<Expert> experts = new ArrayList<>();
        for (int e = 0; e < config.experts(); e++) experts.add(Expert.initialised(config.modelDim(), config.hiddenDim(), random));
        List<Expert> sharedExperts = new ArrayList<>();
        for (int i = 0; i < config.sharedExperts(); i++) sharedExperts.add(Expert.initialised(config.modelDim(), config.sharedHiddenDim(), random));
        List<SharedExperts> shared = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) shared.add(new SharedExperts(sharedExperts.stream().map(Expert::copy).toList()));
        this.layer = new MoeLayer(gates, experts, shared, mm, expertMm);
        for (int r = 0; r < worldSize; r++) {
            inputs.add(uniform(config.tokens(), config.modelDim(), 1.0, random));
            dOut.add(uniform(config.tokens(), config.modelDim(), 1.0, random));
            noise.add(GateNoise.seeded(1, r, 0));
            params.add(new Param("gate" + r, gates.get(r).weight(), layer.gateGrad(r)));
            params.addAll(Expert.params(shared.get(r).experts(), layer.sharedGrad(r), "rank" + r + ".shared", 0));
        }
        for (int e = 0; e < config.experts(); e++) {
            Expert x = experts.get(e);
            ExpertGrads g = layer.expertGrad(e);
            params.add(new Param("expert" + e + ".W1", x.w1(), g.w1()));
            params.add(new Param("expert" + e + ".b1", x.b1(), g.b1()));
            params.add(new Param("expert" + e + ".W2", x.w2(), g.w2()));
            params.add(new Param("expert" + e + ".b2", x.b2(), g.b2()));
        }
    }

    public LayerConfig config() { return config; }

    public int worldSize() { return worldSize; }

    /** Tokens of one step, all ranks. */
    public long tokensPerStep() { return (long) config.tokens() * worldSize; }

    /** One forward pass of every rank. */
    public void forward() {
        layer.release(layer.forward(inputs, noise, true));
    }

    /**
     * One training step of every rank: forward, backward, an SGD update of every parameter and,
     * with a selection bias, its update from the step's loads.
     */
    public void trainStep() {
        layer.zeroGrad();
        MoeLayer.Forward f = layer.forward(inputs, noise, true);
        layer.backward(f, dOut);
        if (config.routing().usesSelectionBias()) layer.updateSelectionBias(f);
        layer.release(f);
        sgd.step(params);
    }

    private static FMatrixRMaj uniform(int rows, int cols, double scale, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        return m;
    }
}
