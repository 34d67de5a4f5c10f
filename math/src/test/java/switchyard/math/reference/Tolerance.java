package switchyard.math.reference;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.ejml.data.FMatrixRMaj;

/**
 * The README's elementwise rule {@code |actual − expected| ≤ atol + rtol·|expected|}, with
 * assertions whose failure message names the quantity, the first offending index, both values and
 * the largest absolute error, so a failing reference test says what is wrong without a debugger.
 * NaN never passes.
 */
public record Tolerance(double atol, double rtol, boolean normwise) {

    /** For float32 implementations (README: observed float32 error ≤ 2.4e-6 at magnitudes ≤ 17). */
    public static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-4);

    /** Elementwise: {@code |actual − expected| ≤ atol + rtol·|expected|} for every element. */
    public Tolerance(double atol, double rtol) {
        this(atol, rtol, false);
    }

    /**
     * Normwise: {@code ‖actual − expected‖₂ ≤ atol + rtol·‖expected‖₂} over the whole quantity, for
     * arithmetic whose error is relative to the size of a sum's terms rather than to each result
     * (bfloat16 operands: a small element that is the difference of large terms carries their error).
     */
    public static Tolerance normwise(double atol, double rtol) {
        return new Tolerance(atol, rtol, true);
    }

    public Tolerance {
        if (!(atol >= 0 && rtol >= 0 && Double.isFinite(atol) && Double.isFinite(rtol))) {
            throw new IllegalArgumentException("tolerances must be finite and >= 0, got atol=" + atol + " rtol=" + rtol);
        }
    }

    public boolean accepts(double expected, double actual) {
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }

    public void assertClose(String what, double expected, double actual) {
        check(what, 0, 1, 1, (i, j) -> expected, (i, j) -> actual);
    }

    /** {@code actual} must be a [1×n] row or [n×1] column matrix. */
    public void assertClose(String what, double[] expected, FMatrixRMaj actual) {
        boolean vector = actual.numRows == 1 || actual.numCols == 1;
        if (!vector || actual.getNumElements() != expected.length) {
            throw new AssertionError(what + ": expected a vector of " + expected.length + " values, actual is "
                    + actual.numRows + "×" + actual.numCols);
        }
        check(what, 1, 1, expected.length, (i, j) -> expected[j], (i, j) -> actual.data[j]);
    }

    public void assertClose(String what, double[] expected, double[] actual) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": expected " + expected.length + " values, actual has " + actual.length);
        }
        check(what, 1, 1, expected.length, (i, j) -> expected[j], (i, j) -> actual[j]);
    }

    public void assertClose(String what, double[][] expected, FMatrixRMaj actual) {
        int cols = expected.length == 0 ? 0 : expected[0].length;
        if (actual.numRows != expected.length || actual.numCols != cols) {
            throw new AssertionError(what + ": expected " + expected.length + "×" + cols + ", actual is "
                    + actual.numRows + "×" + actual.numCols);
        }
        check(what, 2, expected.length, cols, (i, j) -> expected[i][j], (i, j) -> actual.get(i, j));
    }

    /** Routing decisions and counts: no tolerance. */
    public static void assertExact(String what, int[] expected, int[] actual) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": expected " + expected.length + " values, actual has " + actual.length);
        }
        int first = Arrays.mismatch(expected, actual);
        long wrong = IntStream.range(0, expected.length).filter(i -> expected[i] != actual[i]).count();
        throw new AssertionError(what + ": " + wrong + " of " + expected.length + " differ; first at [" + first
                + "]: expected " + expected[first] + ", actual " + actual[first] + "\n  expected " + Arrays.toString(expected)
                + "\n  actual   " + Arrays.toString(actual));
    }

    private interface Element {
        double at(int i, int j);
    }

    private void check(String what, int dims, int rows, int cols, Element expected, Element actual) {
        if (normwise) {
            checkNorm(what, rows, cols, expected, actual);
            return;
        }
        int bad = 0;
        int firstI = -1;
        int firstJ = -1;
        double maxErr = 0;
        int maxI = 0;
        int maxJ = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double e = expected.at(i, j);
                double a = actual.at(i, j);
                double err = Math.abs(a - e);
                if (!Double.isNaN(maxErr) && !(err <= maxErr)) { // a NaN error is the max and stays
                    maxErr = err;
                    maxI = i;
                    maxJ = j;
                }
                if (!accepts(e, a) && bad++ == 0) {
                    firstI = i;
                    firstJ = j;
                }
            }
        }
        if (bad == 0) {
            return;
        }
        throw new AssertionError(String.format(
                "%s: %d of %d values outside |actual - expected| <= %.1e + %.1e*|expected|; first at %s: expected %s,"
                        + " actual %s; max abs error %s at %s",
                what, bad, rows * cols, atol, rtol, index(dims, firstI, firstJ), expected.at(firstI, firstJ),
                actual.at(firstI, firstJ), maxErr, index(dims, maxI, maxJ)));
    }

    private void checkNorm(String what, int rows, int cols, Element expected, Element actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double e = expected.at(i, j);
                double d = actual.at(i, j) - e;
                diff += d * d;
                norm += e * e;
            }
        }
        double error = Math.sqrt(diff);
        double bound = atol + rtol * Math.sqrt(norm);
        if (!(error <= bound)) { // NaN fails
            throw new AssertionError(String.format("%s: ‖actual - expected‖ = %.3e over %d values, above %.1e + %.1e*‖expected‖ = %.3e"
                    + " (‖expected‖ = %.3e)", what, error, rows * cols, atol, rtol, bound, Math.sqrt(norm)));
        }
    }

    private static String index(int dims, int i, int j) {
        return switch (dims) {
            case 0 -> "(scalar)";
            case 1 -> "[" + j + "]";
            default -> "[" + i + "][" + j + "]";
        };
    }
}
