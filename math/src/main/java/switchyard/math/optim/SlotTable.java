package switchyard.math.optim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The per-parameter buffers of one optimizer, keyed by name. Buffers are allocated the first
 * time a name is seen; resolving known names afterwards allocates nothing.
 */
final class SlotTable {

    /** One parameter's state; {@code buffers[i]} is named {@code bufferNames[i]}. */
    static final class Slot {
        final int rows;
        final int cols;
        final float[][] buffers;
        long steps;
        long generation; // last resolve() call that saw this slot, to catch duplicate names
        boolean created; // made by the resolve() in progress, to undo if it fails

        Slot(int rows, int cols, int nBuffers) {
            this.rows = rows;
            this.cols = cols;
            this.buffers = new float[nBuffers][rows * cols];
        }
    }

    private final String[] bufferNames;
    private final Map<String, Slot> slots = new HashMap<>();
    private Slot[] resolved = new Slot[0];
    private long generation;
    private long steps;

    SlotTable(String... bufferNames) {
        this.bufferNames = bufferNames.clone();
    }

    /**
     * Finds (or creates) the slot of every parameter, validating all of them before the caller
     * modifies anything. Counts a step on success.
     *
     * @return slots aligned with {@code params}; the array is reused by the next call
     */
    Slot[] resolve(List<Param> params) {
        int n = params.size();
        if (resolved.length < n) {
            resolved = new Slot[n];
        }
        long gen = ++generation;
        boolean createdAny = false;
        try {
            for (int i = 0; i < n; i++) { // indexed: no iterator allocation per step
                Param p = params.get(i);
                if (p == null) {
                    throw new NullPointerException("params[" + i + "] is null");
                }
                if (!Param.sameShape(p.value(), p.grad())) { // matrices are mutable; re-check
                    throw new IllegalArgumentException("parameter '" + p.name() + "': value is "
                            + Param.shape(p.value()) + " but grad is " + Param.shape(p.grad()));
                }
                Slot s = slots.get(p.name());
                if (s == null) {
                    s = new Slot(p.value().numRows, p.value().numCols, bufferNames.length);
                    s.created = true;
                    createdAny = true;
                    slots.put(p.name(), s);
                } else if (s.rows != p.value().numRows || s.cols != p.value().numCols) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' is " + Param.shape(p.value())
                            + " but its optimizer state is " + Param.shape(s.rows, s.cols));
                }
                if (s.generation == gen) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' is listed twice in one step");
                }
                s.generation = gen;
                resolved[i] = s;
            }
        } catch (RuntimeException e) {
            slots.values().removeIf(s -> s.created);
            throw e;
        }
        if (createdAny) {
            slots.values().forEach(s -> s.created = false);
        }
        steps++;
        return resolved;
    }

    Map<String, ParamState> snapshotParams() {
        Map<String, ParamState> out = new TreeMap<>();
        slots.forEach((name, s) -> {
            Map<String, float[]> named = new TreeMap<>();
            for (int b = 0; b < bufferNames.length; b++) {
                named.put(bufferNames[b], s.buffers[b]); // ParamState copies
            }
            out.put(name, new ParamState(s.rows, s.cols, s.steps, named));
        });
        return out;
    }

    long steps() {
        return steps;
    }

    /** Replaces everything, or nothing if {@code state} does not have this table's buffer layout. */
    void load(OptimizerState state, String owner) {
        Set<String> expected = Set.of(bufferNames);
        Map<String, Slot> loaded = new HashMap<>();
        state.params().forEach((name, p) -> {
            if (!p.bufferNames().equals(expected)) {
                throw new IllegalArgumentException("parameter '" + name + "' has state buffers " + p.bufferNames()
                        + " but " + owner + " keeps " + new TreeSet<>(expected));
            }
            Slot s = new Slot(p.rows(), p.cols(), bufferNames.length);
            for (int b = 0; b < bufferNames.length; b++) {
                float[] src = p.view(bufferNames[b]);
                System.arraycopy(src, 0, s.buffers[b], 0, src.length);
            }
            s.steps = p.steps();
            loaded.put(name, s);
        });
        slots.clear();
        slots.putAll(loaded);
        steps = state.steps();
    }
}
