package switchyard.math.bench;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.layer.MoeLayer;
import switchyard.math.linalg.MatMul;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of the single-process oracle layer: forward, and forward+backward, in tokens per
 * second counting the tokens of every folded rank.
 */
public final class OracleBench {
    private OracleBench() {}

    /** Measured throughput of one configuration. */
    public record Result(LayerConfig config, int worldSize, double forwardTokensPerSecond, double fwdBwdTokensPerSecond) {}

    public static Result measure(LayerConfig config, int worldSize, MatMul mm, int warmups, int reps) {
        if (config.experts() % worldSize != 0)
            throw new IllegalArgumentException(config + " cannot be split over W=" + worldSize + " ranks");
        SplittableRandom random = new SplittableRandom(1);
        List<Gate> gates = new ArrayList<>();
        FMatrixRMaj wg = uniform(config.modelDim(), config.experts(), 0.1, random);
        for (int r = 0; r < worldSize; r++) gates.add(new Gate(wg.copy(), RoutingOptions.reference()));
        List<Expert> experts = new ArrayList<>();
        for (int e = 0; e < config.experts(); e++) experts.add(Expert.initialised(config.modelDim(), config.hiddenDim(), random));
        MoeLayer layer = new MoeLayer(gates, experts, mm);
        List<FMatrixRMaj> inputs = new ArrayList<>(), dOut = new ArrayList<>();
        List<GateNoise> noise = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            inputs.add(uniform(config.tokens(), config.modelDim(), 1.0, random));
            dOut.add(uniform(config.tokens(), config.modelDim(), 1.0, random));
            noise.add(GateNoise.seeded(1, r, 0));
        }
        double tokens = (double) config.tokens() * worldSize;
        for (int i = 0; i < warmups; i++) layer.backward(layer.forward(inputs, noise, true), dOut);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) layer.forward(inputs, noise, true);
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            layer.zeroGrad();
            layer.backward(layer.forward(inputs, noise, true), dOut);
        }
        long t2 = System.nanoTime();
        return new Result(config, worldSize, tokens * reps / ((t1 - t0) / 1e9), tokens * reps / ((t2 - t1) / 1e9));
    }

    private static FMatrixRMaj uniform(int rows, int cols, double scale, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        return m;
    }
}
