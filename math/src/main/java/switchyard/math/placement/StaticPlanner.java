package switchyard.math.placement;

/**
 * Today's map, whatever the load: expert {@code e} in slot {@code e % L} of rank {@code e / L}.
 * It has no rule for spare slots — which expert deserves a copy depends on the load — so it
 * refuses R &gt; 0; a run with redundant experts plans with {@link GreedyPlanner} or
 * {@link HierarchicalPlanner}.
 */
public record StaticPlanner() implements Planner {

    @Override
    public Placement plan(double[] loads, int ranks, int localExperts, int redundant) {
        Loads.check(name(), loads, ranks, localExperts, redundant);
        if (redundant != 0)
            throw new IllegalArgumentException("static placement has no replicas: redundant experts must be 0, got R="
                    + redundant + " (the greedy and hierarchical policies fill spare slots)");
        return Placement.staticMap(ranks, localExperts);
    }

    @Override
    public String name() { return "static"; }
}
