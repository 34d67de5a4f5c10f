package switchyard.math.linalg;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;

/**
 * Random operands and a double-precision reference product for the MatMul tests; public in math's
 * test-jar for the tests of kernels in other modules.
 */
public final class TestMatrices {

    private TestMatrices() {
    }

    /** Uniform values in [-1, 1), with the odd exact zero and a few larger magnitudes mixed in. */
    public static FMatrixRMaj random(int rows, int cols, Random rnd) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            float v = rnd.nextFloat() * 2f - 1f;
            int pick = rnd.nextInt(50);
            x.data[i] = pick == 0 ? 0f : pick == 1 ? v * 100f : v;
        }
        return x;
    }

    /** A c that is not all zeros, so tests notice when an implementation skips writing a cell. */
    public static FMatrixRMaj garbage(int rows, int cols, Random rnd) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = 1000f + rnd.nextFloat();
        }
        return x;
    }

    /** a (or aᵀ) as a plain [m×k] double array, so references need no transposed indexing. */
    public static double[][] logical(FMatrixRMaj x, boolean trans) {
        int rows = trans ? x.numCols : x.numRows;
        int cols = trans ? x.numRows : x.numCols;
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = trans ? x.get(j, i) : x.get(i, j);
            }
        }
        return out;
    }

    /** Σₚ |a_ip·b_pj| for every (i, j): the scale of the rounding error a float product can carry. */
    public static double[][] magnitude(double[][] a, double[][] b) {
        int m = a.length;
        int k = b.length;
        int n = k == 0 ? 0 : b[0].length;
        double[][] out = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = Math.abs(a[i][p]);
                for (int j = 0; j < n; j++) {
                    out[i][j] += aip * Math.abs(b[p][j]);
                }
            }
        }
        return out;
    }

    /** The exact-ish product in double precision. */
    public static double[][] product(double[][] a, double[][] b, int n) {
        int m = a.length;
        int k = b.length;
        double[][] out = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    out[i][j] += a[i][p] * b[p][j];
                }
            }
        }
        return out;
    }
}
