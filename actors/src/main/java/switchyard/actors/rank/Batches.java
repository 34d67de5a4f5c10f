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
    /**
     * The batches a {@link Batch.Noise} with {@code distinct > 0} uses in turn. Steps only read
     * them: the tokens are routed and gathered, and R, the loss gradient, is gathered too.
     */
    private Materialised[] drawn;
    private Batch.Noise drawnFor;
    private int drawnRank;

    Materialised materialise(Batch batch, int rank, long step, StepArena arena) {
        if (batch instanceof Batch.Given g) return new Materialised(g.input(), g.objective(), g.gumbelNoise());
        if (batch instanceof Batch.Noise n) {
            if (n.distinct() == 0) return noise(n, rank, step, arena.tokens, arena.target);
            if (!n.equals(drawnFor) || rank != drawnRank) { // all of them now, so that later steps draw nothing
                drawn = new Materialised[n.distinct()];
                for (int i = 0; i < drawn.length; i++) drawn[i] = noise(n, rank, i, new FMatrixRMaj(0, 0), new FMatrixRMaj(0, 0));
                drawnFor = n;
                drawnRank = rank;
            }
            return drawn[(int) Math.floorMod(step, (long) drawn.length)];
        }
        ClusteredRegression.Spec spec = ((Batch.Synthetic) batch).spec();
        if (task == null || !task.spec().equals(spec)) task = new ClusteredRegression(spec); // centres and maps are built once
        ClusteredRegression.Sample b = task.batch(rank, step, arena.tokens, arena.target);
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

    /** The noise batch of {@code (n.seed, rank, step)}, drawn into {@code tokens} and {@code target}. */
    private static Materialised noise(Batch.Noise n, int rank, long step, FMatrixRMaj tokens, FMatrixRMaj target) {
        long seed = n.seed() * 0x9E3779B97F4A7C15L + rank * 31L + step;
        FMatrixRMaj input = uniform(Buffers.reshape(tokens, n.tokens(), n.modelDim()), 2 * seed);
        FMatrixRMaj weights = uniform(Buffers.reshape(target, n.tokens(), n.modelDim()), 2 * seed + 1);
        return new Materialised(input, new Objective.Linear(weights), null);
    }

    /** Every element of {@code m} uniform in [-1, 1), row by row. */
    private static FMatrixRMaj uniform(FMatrixRMaj m, long seed) {
        UniformNoise.fill(m.data, m.numRows * m.numCols, seed);
        return m;
    }
}
