package switchyard.math.placement;

/**
 * DeepSeek's EPLB hierarchy for a two-level network ({@code --network ...topology=2level:G}):
 * ranks {@code n·G .. n·G+G-1} form node {@code n}, and experts fall in {@code expertGroups}
 * contiguous groups of {@code E / expertGroups}. With {@code N = W / G} nodes:
 *
 * <ol>
 *   <li><b>Groups onto nodes.</b> A group's load is the sum of its experts' loads. The groups are
 *       packed onto the nodes, {@code expertGroups / N} per node, by {@link BalancedPacking}:
 *       heaviest first onto the lightest node with room (ties: lower group; then the node with fewer
 *       groups, then the lower node). A group never straddles nodes.</li>
 *   <li><b>Inside each node</b>, exactly {@link GreedyPlanner}'s two steps on the node's own experts
 *       ({@code E / N = G·L} of them) and slots ({@code G·(L+R)}): its {@code G·R} spares go to its
 *       hottest experts, then its replicas are packed onto its G ranks.</li>
 * </ol>
 *
 * So every replica of an expert lives on the node of its group: with group-limited routing
 * ({@code --groups}) a token's rows then reach at most as many nodes as it keeps groups. Pass the
 * routing's group count as {@code expertGroups}; without a group limit pass E (every expert its own
 * group). With one node ({@code G = W}) the first step is moot and the result is greedy's.
 *
 * <p>Requirements, refused with a message otherwise: {@code W} a multiple of {@code G}; {@code E}
 * a multiple of {@code expertGroups}; {@code expertGroups} a multiple of {@code N}, so every node
 * takes whole groups and the same number of them.
 *
 * <p>Example, {@code W=4 G=2 L=2 R=1}, 4 groups of 2, loads {@code [8, 2, 6, 6, 1, 1, 5, 3]}:
 * group loads {@code [10, 12, 2, 8]}; packing 12 (g1) → node 0, 10 (g0) → node 1, 8 (g3) → node 1
 * (10 &lt; 12), 2 (g2) → node 0. Node 0 holds experts 2..5, node 1 experts 0, 1, 6, 7; each then
 * plans as greedy does on 2 ranks of 3 slots: {@code W=4 L=2 R=1 | 2 3 4 | 2 3 5 | 0 1 7 | 0 6 6}.
 *
 * @param ranksPerNode G ≥ 1
 * @param expertGroups number of contiguous expert groups ≥ 1
 */
public record HierarchicalPlanner(int ranksPerNode, int expertGroups) implements Planner {

    public HierarchicalPlanner {
        if (ranksPerNode < 1)
            throw new IllegalArgumentException("hierarchical placement needs at least 1 rank per node, got G=" + ranksPerNode);
        if (expertGroups < 1)
            throw new IllegalArgumentException("hierarchical placement needs at least 1 expert group, got " + expertGroups);
    }

    @Override
    public Placement plan(double[] loads, int ranks, int localExperts, int redundant) {
        double[] checked = Loads.check(name(), loads, ranks, localExperts, redundant);
        int experts = checked.length;
        if (ranks % ranksPerNode != 0)
            throw new IllegalArgumentException("hierarchical placement puts G=" + ranksPerNode + " ranks on a node, but W="
                    + ranks + " is not a multiple of " + ranksPerNode);
        int nodes = ranks / ranksPerNode;
        if (experts % expertGroups != 0)
            throw new IllegalArgumentException("hierarchical placement cannot split E=" + experts + " experts into "
                    + expertGroups + " equal groups: E must be a multiple of the group count");
        if (expertGroups % nodes != 0)
            throw new IllegalArgumentException("hierarchical placement gives every node whole expert groups, but "
                    + expertGroups + " groups do not divide evenly among W/G=" + nodes + " nodes");
        int groupSize = experts / expertGroups;

        double[] groupLoad = new double[expertGroups];
        for (int e = 0; e < experts; e++) groupLoad[e / groupSize] += checked[e];
        int[] nodeOf = BalancedPacking.pack(groupLoad, nodes, expertGroups / nodes);

        int slotsPerRank = Math.addExact(localExperts, redundant);
        int[] flat = new int[Math.multiplyExact(ranks, slotsPerRank)];
        for (int n = 0; n < nodes; n++) {
            int[] own = new int[experts / nodes];
            int i = 0;
            for (int e = 0; e < experts; e++) if (nodeOf[e / groupSize] == n) own[i++] = e;
            GreedyPlanner.place(own, checked, n * ranksPerNode, ranksPerNode, slotsPerRank, flat);
        }
        return new Placement(ranks, localExperts, redundant, flat);
    }

    @Override
    public String name() { return "hierarchical"; }
}
