package switchyard.math.optim;

import java.util.Objects;
import org.ejml.data.FMatrixRMaj;

/**
 * A trainable tensor and its gradient. The name is the key of the optimizer's per-parameter
 * state, so it must be stable across steps and across a save/restore (e.g. {@code "expert5.W1"}).
 */
public record Param(String name, FMatrixRMaj value, FMatrixRMaj grad) {

    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value of " + name);
        Objects.requireNonNull(grad, "grad of " + name);
        if (name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be blank");
        }
        if (value == grad) {
            // An in-place update would then overwrite the gradient it is reading.
            throw new IllegalArgumentException("parameter '" + name + "': value and grad are the same matrix");
        }
        if (!sameShape(value, grad)) {
            throw new IllegalArgumentException("parameter '" + name + "': value is " + shape(value)
                    + " but grad is " + shape(grad));
        }
    }

    static boolean sameShape(FMatrixRMaj a, FMatrixRMaj b) {
        return a.numRows == b.numRows && a.numCols == b.numCols;
    }

    static String shape(FMatrixRMaj m) {
        return shape(m.numRows, m.numCols);
    }

    static String shape(int rows, int cols) {
        return rows + "×" + cols;
    }
}
