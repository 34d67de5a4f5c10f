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
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < full; c += LANES) {
                FloatVector a = FloatVector.fromArray(SPECIES, activation, row + c);
                FloatVector g = FloatVector.fromArray(SPECIES, grad, row + c).blend(0f, a.compare(VectorOperators.LE, 0f));
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
