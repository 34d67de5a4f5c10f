package switchyard.math.placement;

/**
 * Step one of the greedy planners: how many replicas each logical expert gets. Every expert starts
 * with one; each spare slot in turn goes to the expert with the highest load per replica
 * ({@code load / replicas}) so far. Ties go to the expert with fewer replicas, then to the lower
 * index, so equal (or all-zero) loads spread the spares one per expert in index order rather than
 * piling them on expert 0. Giving each spare to the current maximum minimises the largest load per
 * replica over all ways of handing out the spares.
 */
final class Replication {
    private Replication() {}

    /**
     * Replicas per expert: {@code counts[i] ≥ 1}, {@code Σ counts = loads.length + spare}.
     *
     * @param loads load of each expert, finite and ≥ 0
     * @param spare slots to hand out, ≥ 0
     */
    static int[] counts(double[] loads, int spare) {
        int[] counts = new int[loads.length];
        java.util.Arrays.fill(counts, 1);
        for (int i = 0; i < spare; i++) {
            int best = 0;
            for (int e = 1; e < loads.length; e++) {
                double perReplica = loads[e] / counts[e];
                double bestPerReplica = loads[best] / counts[best];
                if (perReplica > bestPerReplica || (perReplica == bestPerReplica && counts[e] < counts[best])) best = e;
            }
            counts[best]++;
        }
        return counts;
    }
}
