package switchyard.math.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable snapshot of an optimizer: its kind ({@code "sgd"}, {@code "adam"}), its
 * hyper-parameters, the number of {@link Optimizer#step} calls, and one {@link ParamState} per
 * parameter name. Both maps are stored sorted by key, so the binary form is canonical.
 *
 * @param steps number of completed {@code step} calls; each parameter's own count is at most this
 */
public record OptimizerState(String kind, Map<String, Double> hyperParameters, long steps,
                             Map<String, ParamState> params) {

    public OptimizerState {
        Objects.requireNonNull(kind, "kind");
        if (kind.isBlank()) {
            throw new IllegalArgumentException("optimizer kind must not be blank");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("negative step count " + steps);
        }
        hyperParameters = Collections.unmodifiableSortedMap(new TreeMap<>(hyperParameters));
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
        hyperParameters.forEach((k, v) -> Objects.requireNonNull(v, "hyper-parameter " + k));
        for (Map.Entry<String, ParamState> e : params.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new IllegalArgumentException("parameter name must not be blank");
            }
            Objects.requireNonNull(e.getValue(), e.getKey());
            if (e.getValue().steps() > steps) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' has " + e.getValue().steps()
                        + " updates but the optimizer made only " + steps + " steps");
            }
        }
    }

    /**
     * Checks that this state holds exactly the given parameters, with the same shapes.
     *
     * @throws IllegalArgumentException naming the first parameter that is unknown, missing or
     *                                  reshaped (with both shapes)
     */
    public void requireMatches(List<Param> live) {
        Map<String, Param> byName = new HashMap<>();
        for (Param p : live) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is listed twice");
            }
        }
        for (Map.Entry<String, ParamState> e : params.entrySet()) {
            Param p = byName.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("state has parameter '" + e.getKey() + "' (" + e.getValue().shape()
                        + ") which is not among the parameters " + new TreeMap<>(byName).keySet());
            }
            if (p.value().numRows != e.getValue().rows() || p.value().numCols != e.getValue().cols()) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' is " + Param.shape(p.value())
                        + " but its saved state is " + e.getValue().shape());
            }
        }
        for (String name : byName.keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("state has no entry for parameter '" + name + "'");
            }
        }
    }

    /** Writes the versioned binary form (see {@link OptimizerStateFormat}); no checksum. */
    public void writeTo(DataOutput out) throws IOException {
        OptimizerStateFormat.write(this, out);
    }

    /**
     * Reads what {@link #writeTo} wrote.
     *
     * @throws IOException on a wrong magic number or version, truncation, or corrupt content;
     *                     never allocates much more than the bytes actually present
     */
    public static OptimizerState readFrom(DataInput in) throws IOException {
        return OptimizerStateFormat.read(in);
    }
}
