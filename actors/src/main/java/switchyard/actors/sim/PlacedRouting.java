package switchyard.actors.sim;

import switchyard.actors.driver.Replanner;
import switchyard.math.placement.Imbalance;
import switchyard.math.placement.LoadHistory;
import switchyard.math.placement.Placement;
import switchyard.math.placement.Planner;
import switchyard.math.placement.ReplicaSplit;
import switchyard.math.placement.Slot;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The placement a run follows: which rank each source's rows for an expert go to, and when to plan
 * anew; a routing-only run asks it directly, the rank actors' driver through {@link #replanner}. It keeps a {@link LoadHistory} of the kept assignments per logical expert per
 * update and re-plans after every {@code --replan-every} updates, at the update boundary, so a
 * placement never changes inside an update (its micro-batches all see the same one, as the rank
 * actors will).
 *
 * <p>Not thread-safe for changes: {@link #afterUpdate} runs between updates; {@link #rowsToRanks}
 * may run on many threads during one.
 */
public final class PlacedRouting {

    /**
     * A placement taking effect at {@code firstUpdate} (0-based).
     *
     * @param expectedBefore the old placement's imbalance under the planned-for loads (NaN for the first placement)
     * @param expectedAfter  the new placement's (NaN for the first placement)
     * @param changed        whether it differs from the placement before it (true for the first)
     */
    public record Change(int firstUpdate, String policy, Placement placement, double expectedBefore, double expectedAfter,
                         boolean changed) {
        public boolean initial() { return firstUpdate == 0; }
    }

    private final PlacementOptions options;
    private final Planner planner;
    private final LoadHistory history;
    private Placement placement;

    /**
     * Starts from the static map; with spare slots (R &gt; 0), which the static map cannot fill, from
     * the policy's plan on uniform loads: every expert equally hot until the first re-plan.
     */
    public PlacedRouting(PlacementOptions options, int ranks, int localExperts) {
        this(options, start(options, ranks, localExperts));
    }

    /** Starts from a given placement (a hand-built one in tests); re-plans as {@code options} say. */
    PlacedRouting(PlacementOptions options, Placement start) {
        this.options = options;
        this.planner = options.planner();
        this.history = new LoadHistory(start.experts(), options.ema());
        this.placement = start;
    }

    private static Placement start(PlacementOptions options, int ranks, int localExperts) {
        if (options.redundant() == 0) return Placement.staticMap(ranks, localExperts);
        double[] uniform = new double[ranks * localExperts];
        Arrays.fill(uniform, 1.0);
        return options.planner().plan(uniform, ranks, localExperts, options.redundant());
    }

    public Placement placement() { return placement; }

    /**
     * This placement as the rank actors' driver asks for it: the re-plans of {@link #afterUpdate},
     * each told to {@code onPlacement} (may be null) before it takes effect.
     */
    public Replanner replanner(Consumer<Change> onPlacement) {
        return new Replanner() {
            @Override
            public Placement afterUpdate(int update, long[] tokens, boolean more) {
                Change c = PlacedRouting.this.afterUpdate(update, tokens, more);
                if (c == null) return null;
                if (onPlacement != null) onPlacement.accept(c);
                return c.placement();
            }

            @Override
            public LoadHistory.Snapshot loads() {
                return history.snapshot();
            }

            @Override
            public void resume(Placement at, LoadHistory.Snapshot loads) {
                PlacedRouting.this.resume(at, loads);
            }
        };
    }

    /**
     * Continues from a checkpoint: its placement, and its load history (null: none recorded, so
     * the history starts empty, as before any step).
     */
    void resume(Placement at, LoadHistory.Snapshot loads) {
        if (!at.sameShape(placement))
            throw new IllegalArgumentException("a placement of " + at + " for a run of " + placement.ranks() + " ranks of "
                    + placement.slotsPerRank() + " slots");
        placement = at;
        history.restore(loads != null ? loads : new LoadHistory(placement.experts(), options.ema()).snapshot());
    }

    /** The first placement, as a {@link Change} at update 0. */
    public Change initial() {
        return new Change(0, options.policy(), placement, Double.NaN, Double.NaN, true);
    }

    /**
     * Rows {@code source} sends to each rank when it keeps {@code rowsPerExpert[e]} rows for logical
     * expert e: each expert's rows split between its replicas by {@link ReplicaSplit}, counted to
     * the replicas' ranks (a rank holding two replicas of e gets both shares).
     */
    public int[] rowsToRanks(int source, int[] rowsPerExpert) {
        Placement p = placement;
        int[] out = new int[p.ranks()];
        for (int e = 0; e < rowsPerExpert.length; e++) {
            int replicas = p.replicas(e);
            if (replicas == 1) {
                out[p.replica(e, 0).rank()] += rowsPerExpert[e];
                continue;
            }
            int[] split = ReplicaSplit.counts(source, rowsPerExpert[e], replicas);
            for (int j = 0; j < replicas; j++) {
                Slot slot = p.replica(e, j);
                out[slot.rank()] += split[j];
            }
        }
        return out;
    }

    /**
     * Records update {@code update}'s kept assignments per expert (all ranks and micro-batches) and,
     * when a re-plan is due and another update follows, plans for the averaged load.
     *
     * @return the re-plan, taking effect at the next update; null when none was due. The static
     * policy never re-plans: it ignores the load.
     */
    public Change afterUpdate(int update, long[] tokensPerExpert, boolean more) {
        history.observe(tokensPerExpert);
        if (options.isStatic() || !more || (update + 1) % options.replanEvery() != 0) return null;
        double[] loads = history.loads();
        Placement next = planner.plan(loads, placement.ranks(), placement.localExperts(), placement.redundant());
        Change change = new Change(update + 1, options.policy(), next, Imbalance.expected(placement, loads),
                Imbalance.expected(next, loads), !next.equals(placement));
        placement = next;
        return change;
    }
}
