package switchyard.math.linalg;

/** {@link ColumnSums} without the Vector API: the reference arithmetic the vector version matches. */
final class ScalarColumnSums {
    private ScalarColumnSums() {}

    static void add(float[] m, int rows, int cols, float[] into) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) into[c] += m[row + c];
        }
    }

    static void reluMaskAndAdd(float[] activation, float[] grad, int rows, int cols, float[] into) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                if (activation[row + c] <= 0f) grad[row + c] = 0f;
                into[c] += grad[row + c];
            }
        }
    }
}
