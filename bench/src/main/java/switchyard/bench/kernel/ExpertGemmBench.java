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

    /** Rows one expert gets per step when every source fills its capacity (top-2, reference capacity 2·S/E). */
    public static int rowsPerExpert(LayerConfig config, int worldSize) {
        return 2 * config.tokens() / config.experts() * worldSize;
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
