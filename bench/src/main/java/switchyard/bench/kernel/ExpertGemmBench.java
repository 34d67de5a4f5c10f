package switchyard.bench.kernel;

import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Median;
import switchyard.bench.layer.Window;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;

/**
 * GFLOP/s of one expert's six products (forward x·W1+b1 with ReLU, h·W2+b2; backward hᵀ·dy,
 * dy·W2ᵀ, xᵀ·dh, dh·W1ᵀ) on {@code rows} rows, run alone: the isolated rate that the layer's
 * in-layer multiply rate is held against, on exactly the shapes the layer multiplies.
 */
public final class ExpertGemmBench {
    private ExpertGemmBench() {}

    /**
     * GFLOP/s of one rank's products of a step run alone, one after another: the local experts'
     * six products each on its even share of rows ({@link LayerConfig#rowsPerExpert}) and, with
     * shared experts, theirs on the rank's S tokens; each shape is timed on its own and the rates
     * are weighed by the flops each shape carries in a step.
     */
    public static double gflopsOfRank(MatMul mm, LayerConfig config, int worldSize, Window window) {
        int local = config.expertsPerRank(worldSize);
        double routedFlops = local * 6 * 2.0 * config.rowsPerExpert(worldSize) * config.modelDim() * config.hiddenDim();
        double routedRate = gflops(mm, config.rowsPerExpert(worldSize), config.modelDim(), config.hiddenDim(), window);
        if (config.sharedExperts() == 0) return routedRate;
        double sharedFlops = config.sharedExperts() * 6 * 2.0 * config.tokens() * config.modelDim() * config.sharedHiddenDim();
        double sharedRate = gflops(mm, config.tokens(), config.modelDim(), config.sharedHiddenDim(), window);
        return (routedFlops + sharedFlops) / (routedFlops / routedRate + sharedFlops / sharedRate);
    }

    /**
     * Median GFLOP/s over the forward+backward rounds of {@code window}, after two untimed ones
     * (the second sizes the window). The layer's figure it is held against comes from
     * seconds of steps, so this one is measured over as long: a few short rounds would catch
     * faster and slower moments of the machine than those seconds do.
     */
    public static double gflops(MatMul mm, int rows, int modelDim, int hiddenDim, Window window) {
        if (rows < 1 || modelDim < 1 || hiddenDim < 1)
            throw new IllegalArgumentException("rows, M and H must be >= 1, got " + rows + ", " + modelDim + ", " + hiddenDim);
        Random rnd = new Random(7);
        FMatrixRMaj x = MatMulBench.random(rows, modelDim, rnd), w1 = MatMulBench.random(modelDim, hiddenDim, rnd), b1 = MatMulBench.random(1, hiddenDim, rnd);
        FMatrixRMaj w2 = MatMulBench.random(hiddenDim, modelDim, rnd), b2 = MatMulBench.random(1, modelDim, rnd), dy = MatMulBench.random(rows, modelDim, rnd);
        FMatrixRMaj h = new FMatrixRMaj(rows, hiddenDim), y = new FMatrixRMaj(rows, modelDim), dh = new FMatrixRMaj(rows, hiddenDim);
        FMatrixRMaj dx = new FMatrixRMaj(rows, modelDim), dw1 = new FMatrixRMaj(modelDim, hiddenDim), dw2 = new FMatrixRMaj(hiddenDim, modelDim);
        double flops = 6 * 2.0 * rows * modelDim * hiddenDim;
        Runnable round = () -> {
            mm.mulBias(x, w1, b1, true, h);
            mm.mulBias(h, w2, b2, false, y);
            mm.mulTransA(h, dy, dw2, false);
            mm.mulTransB(dy, w2, dh, false);
            mm.mulTransA(x, dh, dw1, false);
            mm.mulTransB(dh, w1, dx, false);
        };
        round.run();
        double[] rates = new double[window.stepsTimed(round)];
        for (int i = 0; i < rates.length; i++) {
            long start = System.nanoTime();
            round.run();
            rates[i] = flops / (System.nanoTime() - start);
        }
        return Median.of(rates);
    }
}
