package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Checks;

/** What a rank's output is scored against; gives the loss and {@code dLoss/doutput}. */
public sealed interface Objective {

    /** The task loss of {@code output}. */
    double loss(FMatrixRMaj output);

    /**
     * {@code dLoss/doutput}, or null when there is no backward pass. Computed into {@code into}
     * (reshaped) when it has to be computed at all.
     */
    FMatrixRMaj gradient(FMatrixRMaj output, FMatrixRMaj into);

    /** Forward only: no loss, no backward. */
    record None() implements Objective {
        public double loss(FMatrixRMaj output) { return 0; }
        public FMatrixRMaj gradient(FMatrixRMaj output, FMatrixRMaj into) { return null; }
    }

    /** Mean squared error over all S·M entries: {@code mean((out − target)²)}. */
    record Mse(FMatrixRMaj target) implements Objective {
        public double loss(FMatrixRMaj output) {
            Checks.shape("MSE target", target, output.numRows, output.numCols);
            int n = output.numRows * output.numCols;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double d = output.data[i] - target.data[i];
                sum += d * d;
            }
            return n == 0 ? 0 : sum / n;
        }

        public FMatrixRMaj gradient(FMatrixRMaj output, FMatrixRMaj into) {
            Checks.shape("MSE target", target, output.numRows, output.numCols);
            int n = output.numRows * output.numCols;
            FMatrixRMaj g = Buffers.reshape(into, output.numRows, output.numCols);
            float scale = n == 0 ? 0f : 2f / n;
            for (int i = 0; i < n; i++) g.data[i] = scale * (output.data[i] - target.data[i]);
            return g;
        }
    }

    /** {@code Σ out ⊙ R}: the reference vectors' loss; its gradient is R itself (not copied). */
    record Linear(FMatrixRMaj weights) implements Objective {
        public double loss(FMatrixRMaj output) {
            Checks.shape("loss weights", weights, output.numRows, output.numCols);
            double sum = 0;
            for (int i = 0; i < output.numRows * output.numCols; i++) sum += (double) output.data[i] * weights.data[i];
            return sum;
        }

        public FMatrixRMaj gradient(FMatrixRMaj output, FMatrixRMaj into) {
            Checks.shape("loss weights", weights, output.numRows, output.numCols);
            return weights;
        }
    }
}
