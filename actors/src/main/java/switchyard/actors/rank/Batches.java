package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.math.task.ClusteredRegression;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.UniformNoise;


/**
 * Turns a step's {@link Batch} into tokens and an objective on the rank, drawing described batches
 * locally into the step's arena (given tensors are used as they came).
 */
final class Batches {
    /** Tokens [S × M], what they are scored against, and recorded Gumbel noise or null. */
    record Materialised(FMatrixRMaj input, Objective objective, FMatrixRMaj gumbelNoise) {}

    private ClusteredRegression task;

    Materialised materialise(Batch batch, int rank, long step, StepArena arena) {
        if (batch instanceof Batch.Given g) return new Materialised(g.input(), g.objective(), g.gumbelNoise());
        if (batch instanceof Batch.Noise n) {
            long seed = n.seed() * 0x9E3779B97F4A7C15L + rank * 31L + step;
            FMatrixRMaj input = uniform(Buffers.reshape(arena.tokens, n.tokens(), n.modelDim()), 2 * seed);
            FMatrixRMaj weights = uniform(Buffers.reshape(arena.target, n.tokens(), n.modelDim()), 2 * seed + 1);
            return new Materialised(input, new Objective.Linear(weights), null);
        }
        ClusteredRegression.Spec spec = ((Batch.Synthetic) batch).spec();
        if (task == null || !task.spec().equals(spec)) task = new ClusteredRegression(spec); // centres and maps are built once
        ClusteredRegression.Batch b = task.batch(rank, step, arena.tokens, arena.target);
        return new Materialised(b.input(), new Objective.Mse(b.target()), null);
    }

    /** Tokens per step the batch holds. */
    static int rows(Batch batch) {
        if (batch instanceof Batch.Given g) return g.input().numRows;
        if (batch instanceof Batch.Noise n) return n.tokens();
        return ((Batch.Synthetic) batch).spec().tokens();
    }

    /** Width of the batch's tokens (must be the model's M). */
    static int cols(Batch batch) {
        if (batch instanceof Batch.Given g) return g.input().numCols;
        if (batch instanceof Batch.Noise n) return n.modelDim();
        return ((Batch.Synthetic) batch).spec().modelDim();
    }

    /** Every element of {@code m} uniform in [-1, 1), row by row. */
    private static FMatrixRMaj uniform(FMatrixRMaj m, long seed) {
        UniformNoise.fill(m.data, m.numRows * m.numCols, seed);
        return m;
    }
}
