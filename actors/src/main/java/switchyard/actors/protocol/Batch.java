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
}
