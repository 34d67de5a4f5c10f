package switchyard.math.optim;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Validation of hyper-parameters and their encoding as the name → double map stored in an
 * {@link OptimizerState}. Flags are stored as exactly 0 or 1 so one map type serves every kind.
 */
final class HyperParameters {

    private HyperParameters() {
    }

    static double positive(String name, double v) {
        if (!(Double.isFinite(v) && v > 0)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static double nonNegative(String name, double v) {
        if (!(Double.isFinite(v) && v >= 0)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
        return v;
    }

    /** Momentum and decay rates: 1 would never forget, so the range is [0, 1). */
    static double unitInterval(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
        return v;
    }

    static double flag(boolean b) {
        return b ? 1 : 0;
    }

    static SortedMap<String, Double> map(Object... nameValuePairs) {
        SortedMap<String, Double> m = new TreeMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            m.put((String) nameValuePairs[i], (Double) nameValuePairs[i + 1]);
        }
        return m;
    }

    /** Reads a map written by {@link #map}: the key set must be exactly {@code expected}. */
    static Reader reader(String kind, Map<String, Double> m, Set<String> expected) {
        if (!m.keySet().equals(expected)) {
            throw new IllegalArgumentException(kind + " expects hyper-parameters " + new TreeSet<>(expected)
                    + ", got " + new TreeSet<>(m.keySet()));
        }
        return new Reader(kind, m);
    }

    record Reader(String kind, Map<String, Double> m) {
        double real(String name) {
            return m.get(name);
        }

        boolean flag(String name) {
            double v = m.get(name);
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException(kind + " flag " + name + " must be 0 or 1, got " + v);
            }
            return v == 1;
        }
    }

    /** Restoring under different hyper-parameters would silently change the continued run. */
    static void requireSame(String kind, Map<String, Double> mine, Map<String, Double> theirs) {
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("state was saved with " + kind + " hyper-parameters "
                    + new TreeMap<>(theirs) + " but this optimizer has " + new TreeMap<>(mine));
        }
    }
}
