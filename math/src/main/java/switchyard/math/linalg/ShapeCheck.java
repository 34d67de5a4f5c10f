package switchyard.math.linalg;

import org.ejml.data.FMatrixRMaj;

/**
 * Operand validation shared by every {@link MatMul}, so both implementations reject the same
 * calls with the same messages and callers can rely on the wording in logs.
 */
final class ShapeCheck {

    private ShapeCheck() {
    }

    /**
     * Checks {@code c (+)= op(a) · op(b)} and, unless accumulating, reshapes {@code c} to the
     * result shape. {@code op} is {@code "mul"}, {@code "mulTransA"}, {@code "mulTransB"} or
     * {@code "mulBias"}, and names the caller in the message.
     */
    static void product(String op, FMatrixRMaj a, boolean transA, FMatrixRMaj b, boolean transB,
                        FMatrixRMaj c, boolean accumulate) {
        if (a == null || b == null || c == null) {
            throw new IllegalArgumentException(op + ": a, b and c must not be null");
        }
        if (c == a || c == b || c.data == a.data || c.data == b.data) {
            throw new IllegalArgumentException(op + ": c must not alias a or b");
        }
        holdsItsValues(op, "a", a);
        holdsItsValues(op, "b", b);
        int aInner = transA ? a.numRows : a.numCols;
        int bInner = transB ? b.numCols : b.numRows;
        if (aInner != bInner) {
            throw new IllegalArgumentException(op + ": a is " + shape(a) + (transA ? " (transposed)" : "")
                    + " but b is " + shape(b) + (transB ? " (transposed)" : "")
                    + " (inner dimensions differ)");
        }
        int m = transA ? a.numCols : a.numRows;
        int n = transB ? b.numRows : b.numCols;
        if (accumulate) {
            if (c.numRows != m || c.numCols != n) {
                throw new IllegalArgumentException(op + ": accumulating into c of " + shape(c)
                        + " but a is " + shape(a) + " and b is " + shape(b)
                        + " (expected c of " + m + "x" + n + ")");
            }
            holdsItsValues(op, "c", c);
        } else {
            c.reshape(m, n);
        }
    }

    /**
     * Checks that {@code bias} is a [1×n] row for a product with {@code n} columns that {@code c}
     * does not overwrite. Call before {@link #product}, which reshapes {@code c}: a rejected call
     * leaves {@code c} untouched.
     */
    static void biasRow(String op, FMatrixRMaj bias, FMatrixRMaj b, FMatrixRMaj c) {
        if (bias == null) {
            throw new IllegalArgumentException(op + ": bias must not be null");
        }
        if (c != null && (c == bias || c.data == bias.data)) {
            throw new IllegalArgumentException(op + ": c must not alias bias");
        }
        if (b != null && (bias.numRows != 1 || bias.numCols != b.numCols)) {
            throw new IllegalArgumentException(op + ": bias is " + shape(bias) + " but b is " + shape(b)
                    + " (bias must be 1x" + b.numCols + ")");
        }
        holdsItsValues(op, "bias", bias);
    }

    /**
     * EJML lets a matrix claim more values than its array holds ({@code wrap}, public fields); the
     * native kernels would read or write past such an array, the Java ones fail half-way, so every
     * kernel refuses it before it starts.
     */
    private static void holdsItsValues(String op, String name, FMatrixRMaj x) {
        long values = (long) x.numRows * x.numCols;
        if (x.numRows < 0 || x.numCols < 0 || x.data == null || x.data.length < values) {
            throw new IllegalArgumentException(op + ": " + name + " is " + shape(x) + " but "
                    + (x.data == null ? "it has no array" : "its array is " + x.data.length + " long"));
        }
    }

    static String shape(FMatrixRMaj x) {
        return x.numRows + "x" + x.numCols;
    }
}
