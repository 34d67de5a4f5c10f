package switchyard.actors.sim;

import switchyard.math.placement.GreedyPlanner;
import switchyard.math.placement.HierarchicalPlanner;
import switchyard.math.placement.Planner;
import switchyard.math.placement.StaticPlanner;

import java.util.Locale;

/**
 * How a run places its experts: the policy, the spare slots per rank, and how the load it plans
 * for is measured and how often it re-plans ({@link PlacedRouting} follows them).
 *
 * @param policy       {@code static}, {@code greedy} or {@code hierarchical}
 * @param redundant    R ≥ 0: spare expert slots per rank, filled with replicas of the hottest experts
 * @param ema          weight of the newest update in the load average, in (0, 1]
 * @param replanEvery  re-plan after every N updates, N ≥ 1
 * @param ranksPerNode hierarchical only: G, ranks per node (0 when not hierarchical)
 * @param expertGroups hierarchical only: contiguous expert groups kept together on a node (0 when not hierarchical)
 */
public record PlacementOptions(String policy, int redundant, double ema, int replanEvery, int ranksPerNode, int expertGroups) {
    public static final String STATIC = "static";
    public static final double DEFAULT_EMA = 0.5;
    public static final int DEFAULT_REPLAN_EVERY = 10;

    public PlacementOptions {
        policy = policy.toLowerCase(Locale.ROOT);
        if (!policy.equals(STATIC) && !policy.equals("greedy") && !policy.equals("hierarchical"))
            throw new IllegalArgumentException("--placement must be static, greedy or hierarchical, got '" + policy + "'");
        if (redundant < 0) throw new IllegalArgumentException("--redundant-experts must be >= 0, got " + redundant);
        if (redundant > 0 && policy.equals(STATIC))
            throw new IllegalArgumentException("--redundant-experts " + redundant
                    + " needs --placement greedy or hierarchical: the static map has no rule for spare slots");
        if (!(ema > 0 && ema <= 1)) throw new IllegalArgumentException("--placement-ema must be in (0, 1], got " + ema);
        if (replanEvery < 1) throw new IllegalArgumentException("--replan-every must be >= 1 update, got " + replanEvery);
        if (policy.equals("hierarchical") && (ranksPerNode < 1 || expertGroups < 1))
            throw new IllegalArgumentException("--placement hierarchical needs ranks per node and expert groups >= 1, got G="
                    + ranksPerNode + " and " + expertGroups + " groups");
    }

    /** Today's map, never re-planned: what every run without placement options does. */
    public static PlacementOptions staticMap() {
        return new PlacementOptions(STATIC, 0, DEFAULT_EMA, DEFAULT_REPLAN_EVERY, 0, 0);
    }

    /** Whether this is the static map: no replicas and a policy that ignores the load, so nothing to plan. */
    public boolean isStatic() { return policy.equals(STATIC); }

    public Planner planner() {
        return switch (policy) {
            case "greedy" -> new GreedyPlanner();
            case "hierarchical" -> new HierarchicalPlanner(ranksPerNode, expertGroups);
            default -> new StaticPlanner();
        };
    }

    /** "greedy, R=1, EMA 0.5, re-planned every 10 updates"; plus "G=4, 16 groups" for hierarchical. */
    public String describe() {
        if (isStatic()) return "static (expert e on rank e / L)";
        return String.format(Locale.ROOT, "%s%s, R=%d, EMA %s, re-planned every %d update%s", policy,
                policy.equals("hierarchical") ? " (G=" + ranksPerNode + " ranks per node, " + expertGroups + " expert groups)" : "",
                redundant, ema, replanEvery, replanEvery == 1 ? "" : "s");
    }
}
