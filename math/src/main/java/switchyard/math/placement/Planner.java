package switchyard.math.placement;

/**
 * Turns a load per logical expert into a placement: a pure function of
 * {@code (loads, W, L, R)} and the policy's own parameters — the same inputs give the same
 * placement, always. The policies: {@link StaticPlanner} (today's map, load ignored),
 * {@link GreedyPlanner} (replicate the hottest, then pack heaviest first) and
 * {@link HierarchicalPlanner} (DeepSeek's EPLB: expert groups onto nodes first, then greedy inside
 * each node).
 */
public sealed interface Planner permits StaticPlanner, GreedyPlanner, HierarchicalPlanner {

    /**
     * @param loads        load of each logical expert ({@code E = W·L} entries, finite, ≥ 0), e.g.
     *                     {@link LoadHistory#loads()}
     * @param ranks        W ≥ 1
     * @param localExperts L ≥ 1
     * @param redundant    R ≥ 0 spare slots per rank
     * @throws IllegalArgumentException naming what is wrong when the inputs do not fit the policy
     */
    Placement plan(double[] loads, int ranks, int localExperts, int redundant);

    /** The policy's name as the CLI spells it: {@code static}, {@code greedy}, {@code hierarchical}. */
    String name();
}
