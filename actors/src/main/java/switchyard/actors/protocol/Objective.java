package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Checks;

/** What a rank's output is scored against; gives the loss and {@code dLoss/doutput}. */
public sealed interface Objective {

    /** The task loss of {@code output}. */
    double loss(FMatrixRMaj output);

    /** {@code dLoss/doutput}, or null when there is no backward pass. */
    FMatrixRMaj gradient(FMatrixRMaj output);

    /** Forward only: no loss, no backward. */
    record None() implements Objective {
        public double loss(FMatrixRMaj output) { return 0; }
        public FMatrixRMaj gradient(FMatrixRMaj output) { return null; }
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

        public FMatrixRMaj gradient(FMatrixRMaj output) {
            Checks.shape("MSE target", target, output.numRows, output.numCols);
            int n = output.numRows * output.numCols;
            FMatrixRMaj g = new FMatrixRMaj(output.numRows, output.numCols);
            float scale = n == 0 ? 0f : 2f / n;
            for (int i = 0; i < n; i++) g.data[i] = scale * (output.data[i] - target.data[i]);
            return g;
        }
    }

    /** {@code Σ out ⊙ R}: the reference vectors' loss; its gradient is R itself. */
    record Linear(FMatrixRMaj weights) implements Objective {
        public double loss(FMatrixRMaj output) {
            Checks.shape("loss weights", weights, output.numRows, output.numCols);
            double sum = 0;
            for (int i = 0; i < output.numRows * output.numCols; i++) sum += (double) output.data[i] * weights.data[i];
            return sum;
        }

        public FMatrixRMaj gradient(FMatrixRMaj output) {
            Checks.shape("loss weights", weights, output.numRows, output.numCols);
            return weights;
        }
    }
}
