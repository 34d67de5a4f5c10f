package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.math.task.ClusteredRegression;

import java.util.SplittableRandom;

/** Turns a step's {@link Batch} into tokens and an objective on the rank, drawing described batches locally. */
final class Batches {
    /** Tokens [S × M], what they are scored against, and recorded Gumbel noise or null. */
    record Materialised(FMatrixRMaj input, Objective objective, FMatrixRMaj gumbelNoise) {}

    private ClusteredRegression task;

    Materialised materialise(Batch batch, int rank, long step) {
        if (batch instanceof Batch.Given g) return new Materialised(g.input(), g.objective(), g.gumbelNoise());
        if (batch instanceof Batch.Noise n) {
            SplittableRandom random = new SplittableRandom(n.seed() * 0x9E3779B97F4A7C15L + rank * 31L + step);
            FMatrixRMaj input = uniform(n.tokens(), n.modelDim(), random);
            return new Materialised(input, new Objective.Linear(uniform(n.tokens(), n.modelDim(), random)), null);
        }
        ClusteredRegression.Spec spec = ((Batch.Synthetic) batch).spec();
        if (task == null || !task.spec().equals(spec)) task = new ClusteredRegression(spec); // centres and maps are built once
        ClusteredRegression.Batch b = task.batch(rank, step);
        return new Materialised(b.input(), new Objective.Mse(b.target()), null);
    }

    private static FMatrixRMaj uniform(int rows, int cols, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return m;
    }
}
