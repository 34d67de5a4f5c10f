package switchyard.math.tensor;

import org.ejml.data.FMatrixRMaj;

import java.util.Arrays;

/**
 * Reshaping reusable buffers. A buffer keeps its storage while that is big enough and gets new
 * storage only when it is not, so once a step has seen every shape, later steps allocate nothing.
 * Contents after a reshape are whatever an earlier use left: callers overwrite or zero them.
 */
public final class Buffers {
    private Buffers() {}

    /**
     * {@code m} as a {@code rows × cols} matrix. Storage is first sized exactly (a fixed shape, such
     * as a step's output, then has exactly its elements); when it has to grow later it grows an
     * eighth beyond what is needed.
     */
    public static FMatrixRMaj reshape(FMatrixRMaj m, int rows, int cols) {
        return reshape(m, rows, cols, m.data.length == 0 ? 0 : 8);
    }

    /**
     * {@code m} as a {@code rows × cols} matrix whose row count follows the routing and so changes
     * from step to step (exchange blocks, an expert's stacked rows and activations): whenever
     * storage has to be allocated it gets a quarter more rows than needed, so that a count which
     * creeps up over the first steps does not reallocate a large matrix at every new maximum.
     */
    public static FMatrixRMaj reshapeRows(FMatrixRMaj m, int rows, int cols) {
        return reshape(m, rows, cols, 4);
    }

    /** Reshapes, replacing too small storage with one {@code 1/headroom} larger than needed (exact for 0). */
    private static FMatrixRMaj reshape(FMatrixRMaj m, int rows, int cols, int headroom) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("cannot shape a buffer as " + rows + "x" + cols);
        int n = Math.multiplyExact(rows, cols);
        if (m.data.length < n) {
            long grown = headroom == 0 ? n : n + (long) n / headroom;
            m.data = new float[(int) Math.min(Integer.MAX_VALUE - 8, grown)];
        }
        m.reshape(rows, cols, false);
        return m;
    }

    /** {@code a} if it holds exactly {@code n} floats, else a new array of {@code n}. */
    public static float[] floats(float[] a, int n) {
        return a != null && a.length == n ? a : new float[n];
    }

    /** {@code a} if it holds exactly {@code n} ints, else a new array of {@code n}. */
    public static int[] ints(int[] a, int n) {
        return a != null && a.length == n ? a : new int[n];
    }

    /** {@code a} if it holds exactly {@code n} flags, else a new array of {@code n}. */
    public static boolean[] booleans(boolean[] a, int n) {
        return a != null && a.length == n ? a : new boolean[n];
    }

    /** Fills all of {@code m}'s storage with NaN, so a read of a released buffer cannot go unnoticed. */
    public static void poison(FMatrixRMaj m) {
        Arrays.fill(m.data, Float.NaN);
    }

    public static void poison(float[] a) {
        if (a != null) Arrays.fill(a, Float.NaN);
    }

    /** Fills {@code a} with -1: an index read from a released buffer fails at once. */
    public static void poison(int[] a) {
        if (a != null) Arrays.fill(a, -1);
    }
}
