package switchyard.math.placement;

import java.util.Arrays;

/**
 * Replicate the hottest experts, then pack heaviest first.
 *
 * <ol>
 *   <li><b>Replicas</b> ({@link Replication}). Every logical expert has one replica; each of the
 *       {@code W·R} spare slots in turn goes to the expert with the highest load per replica so far
 *       (ties: fewer replicas, then the lower expert id).</li>
 *   <li><b>Packing</b> ({@link BalancedPacking}). Each replica is an item carrying
 *       {@code load / replicas} of its expert — the share {@link ReplicaSplit} gives it on average.
 *       The {@code W·(L+R)} items go heaviest first (ties: lower expert id, then lower replica)
 *       onto the rank with the least load among those with a free slot (ties: fewer filled slots,
 *       then the lower rank).</li>
 *   <li><b>Slots.</b> A rank's experts fill its slots in ascending expert id, so the text of a
 *       placement does not depend on the order the packing met them.</li>
 * </ol>
 *
 * Worked example, {@code W=2 L=2 R=1}, loads {@code [10, 1, 1, 4]}: the two spares go to expert 0
 * (10/1 is the highest) and again to expert 0 (10/2 = 5 beats 4/1), so expert 0 has three replicas
 * of 10/3 each. Packing 4 (e3) → rank 0; 3.33 (e0) → rank 1; 3.33 (e0) → rank 1 (3.33 &lt; 4);
 * 3.33 (e0) → rank 0 (4 &lt; 6.67); 1 (e1) → rank 1 (6.67 &lt; 7.33), now full; 1 (e2) → rank 0.
 * Result {@code W=2 L=2 R=1 | 0 2 3 | 0 0 1}, rank loads 8.33 and 7.67: imbalance 8.33 / 8 = 1.04,
 * against the static map's 11 / 8 = 1.375.
 */
public record GreedyPlanner() implements Planner {

    @Override
    public Placement plan(double[] loads, int ranks, int localExperts, int redundant) {
        double[] checked = Loads.check(name(), loads, ranks, localExperts, redundant);
        int[] all = new int[checked.length];
        for (int e = 0; e < all.length; e++) all[e] = e;
        int[] flat = new int[Math.multiplyExact(ranks, Math.addExact(localExperts, redundant))];
        place(all, checked, 0, ranks, localExperts + redundant, flat);
        return new Placement(ranks, localExperts, redundant, flat);
    }

    @Override
    public String name() { return "greedy"; }

    /**
     * Places the logical experts {@code experts} (ascending ids) on ranks
     * {@code firstRank .. firstRank+ranks-1}, whose {@code ranks·slotsPerRank} slots they fill with
     * replicas: replication, packing, then each rank's slots in ascending expert id, written into
     * {@code flat} (rank-major over all ranks).
     *
     * @param loads load of every logical expert, indexed by id
     */
    static void place(int[] experts, double[] loads, int firstRank, int ranks, int slotsPerRank, int[] flat) {
        double[] own = new double[experts.length];
        for (int i = 0; i < experts.length; i++) own[i] = loads[experts[i]];
        int[] counts = Replication.counts(own, ranks * slotsPerRank - experts.length);
        int items = ranks * slotsPerRank;
        int[] itemExpert = new int[items];
        double[] weight = new double[items];
        int n = 0;
        for (int i = 0; i < experts.length; i++) {
            for (int j = 0; j < counts[i]; j++) {
                itemExpert[n] = experts[i];
                weight[n++] = own[i] / counts[i];
            }
        }
        int[] rank = BalancedPacking.pack(weight, ranks, slotsPerRank);
        int[] filled = new int[ranks];
        for (int item = 0; item < items; item++) {
            int r = rank[item];
            flat[(firstRank + r) * slotsPerRank + filled[r]++] = itemExpert[item];
        }
        for (int r = firstRank; r < firstRank + ranks; r++) Arrays.sort(flat, r * slotsPerRank, (r + 1) * slotsPerRank);
    }
}
