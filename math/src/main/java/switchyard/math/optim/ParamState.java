package switchyard.math.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The optimizer state of one parameter: its shape, how many updates it has received, and its
 * named float buffers (row-major, {@code rows*cols} each). Immutable: arrays are copied in and out.
 */
public final class ParamState {

    private final int rows;
    private final int cols;
    private final long steps;
    private final SortedMap<String, float[]> buffers;

    public ParamState(int rows, int cols, long steps, Map<String, float[]> buffers) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad shape " + Param.shape(rows, cols));
        }
        if (steps < 0) {
            throw new IllegalArgumentException("negative step count " + steps);
        }
        SortedMap<String, float[]> copy = new TreeMap<>();
        buffers.forEach((name, data) -> {
            Objects.requireNonNull(data, name);
            if (data.length != rows * cols) {
                throw new IllegalArgumentException("buffer '" + name + "' has " + data.length
                        + " floats, shape " + Param.shape(rows, cols) + " needs " + rows * cols);
            }
            copy.put(name, data.clone());
        });
        this.rows = rows;
        this.cols = cols;
        this.steps = steps;
        this.buffers = Collections.unmodifiableSortedMap(copy);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public String shape() {
        return Param.shape(rows, cols);
    }

    /** Number of updates this parameter has received (Adam's bias correction uses it). */
    public long steps() {
        return steps;
    }

    /** Buffer names, in sorted order. */
    public Set<String> bufferNames() {
        return buffers.keySet();
    }

    /** A copy of the named buffer. */
    public float[] buffer(String name) {
        return view(name).clone();
    }

    /** The stored array itself, for copying into an optimizer without an intermediate clone. */
    float[] view(String name) {
        float[] data = buffers.get(name);
        if (data == null) {
            throw new IllegalArgumentException("no buffer '" + name + "', have " + buffers.keySet());
        }
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParamState p) || rows != p.rows || cols != p.cols || steps != p.steps
                || !buffers.keySet().equals(p.buffers.keySet())) {
            return false;
        }
        // Arrays.equals compares floatToIntBits: a restored NaN equals the saved one, and 0 != -0.
        return buffers.keySet().stream().allMatch(k -> Arrays.equals(buffers.get(k), p.buffers.get(k)));
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(rows, cols, steps);
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return "ParamState[" + shape() + ", steps=" + steps + ", buffers=" + buffers.keySet() + "]";
    }
}
