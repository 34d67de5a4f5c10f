package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.task.ClusteredRegression;

/** A rank's tokens for one step: sent as tensors, or described so the rank makes them itself. */
public sealed interface Batch {

    /**
     * Explicit tokens [S × M] and what to score them against; {@code gumbelNoise} [S × E] replaces
     * the seeded noise when not null (the reference vectors record theirs).
     */
    record Given(FMatrixRMaj input, Objective objective, FMatrixRMaj gumbelNoise) implements Batch {
        public Given(FMatrixRMaj input, Objective objective) {
            this(input, objective, null);
        }
    }

    /**
     * The synthetic task: the rank draws its own tokens and targets (MSE objective) from the spec,
     * so the driver sends a few bytes instead of the data.
     */
    record Synthetic(ClusteredRegression.Spec spec) implements Batch {}

    /**
     * Uniform random tokens and loss weights R ({@code loss = Σ out·R}), drawn by the rank from
     * {@code (seed, rank, step)}: the cheapest batch there is, for throughput measurements.
     * {@code distinct} 0 draws a new batch every step; {@code distinct} k draws the batches of steps
     * 0..k-1 once, on the first step, and uses batch {@code step mod k} after that, so that a
     * throughput run does not time its random number generator (the NumPy peer also draws its
     * batches before its clock starts).
     */
    record Noise(long seed, int tokens, int modelDim, int distinct) implements Batch {
        public Noise {
            if (tokens < 1 || modelDim < 1) throw new IllegalArgumentException("noise batch needs tokens, dim >= 1, got " + tokens + ", " + modelDim);
            if (distinct < 0) throw new IllegalArgumentException("noise batch needs distinct >= 0 (0: a new batch every step), got " + distinct);
        }

        /** A new batch every step. */
        public Noise(long seed, int tokens, int modelDim) {
            this(seed, tokens, modelDim, 0);
        }
    }
}
