package switchyard.math.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ColumnSums} on the Vector API: lanes are columns, so each column is still summed row by
 * row in increasing order, exactly as {@link ScalarColumnSums} does. The mask is a blend, not a
 * branch. Columns past the last full vector take the scalar loop.
 */
final class VectorColumnSums {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final FloatVector ZERO = FloatVector.zero(SPECIES);

    private VectorColumnSums() {}

    static void add(float[] m, int rows, int cols, float[] into) {
        int full = SPECIES.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < full; c += LANES) {
                FloatVector.fromArray(SPECIES, into, c).add(FloatVector.fromArray(SPECIES, m, row + c)).intoArray(into, c);
            }
            for (int c = full; c < cols; c++) into[c] += m[row + c];
        }
    }

    static void reluMaskAndAdd(float[] activation, float[] grad, int rows, int cols, float[] into) {
        int full = SPECIES.loopBound(cols);
        // Compared and blended with a constant vector, not with the scalar 0: a scalar operand is
        // broadcast on every use, through the deepest chain of calls in the loop, and in some JVMs
        // C2 compiled this loop inside a caller deep enough that the broadcast was not intrinsified;
        // every iteration then allocated its 0.
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < full; c += LANES) {
                FloatVector a = FloatVector.fromArray(SPECIES, activation, row + c);
                FloatVector g = FloatVector.fromArray(SPECIES, grad, row + c).blend(ZERO, a.compare(VectorOperators.LE, ZERO));
                g.intoArray(grad, row + c);
                FloatVector.fromArray(SPECIES, into, c).add(g).intoArray(into, c);
            }
            for (int c = full; c < cols; c++) {
                if (activation[row + c] <= 0f) grad[row + c] = 0f;
                into[c] += grad[row + c];
            }
        }
    }
}
