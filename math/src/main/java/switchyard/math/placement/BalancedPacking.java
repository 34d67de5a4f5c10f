package switchyard.math.placement;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Step two of the greedy planners: pack weighted items into bins of a fixed number of slots so the
 * bins' weights come out as even as the rule can make them. Items go heaviest first (ties: lower
 * item index first) onto the lightest bin that still has a free slot (ties: the bin with fewer
 * items, then the lower bin). This is longest-processing-time-first scheduling with a cardinality
 * limit: fast and usually close to even, but not optimal — see {@code docs/placement.md} for a
 * case where it loses to a lucky fixed map.
 */
final class BalancedPacking {
    private BalancedPacking() {}

    /**
     * The bin of every item; every bin receives exactly {@code capacity} items.
     *
     * @param weights  {@code bins · capacity} weights, finite and ≥ 0 (no −0.0)
     */
    static int[] pack(double[] weights, int bins, int capacity) {
        if (weights.length != (long) bins * capacity)
            throw new IllegalArgumentException(weights.length + " items do not fill " + bins + " bins of " + capacity);
        Integer[] order = new Integer[weights.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // Stable sort, heaviest first; equal weights keep index order.
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> weights[i]).reversed());
        double[] load = new double[bins];
        int[] used = new int[bins];
        int[] bin = new int[weights.length];
        for (int item : order) {
            int best = -1;
            for (int b = 0; b < bins; b++) {
                if (used[b] == capacity) continue;
                if (best < 0 || load[b] < load[best] || (load[b] == load[best] && used[b] < used[best])) best = b;
            }
            bin[item] = best;
            load[best] += weights[item];
            used[best]++;
        }
        return bin;
    }
}
