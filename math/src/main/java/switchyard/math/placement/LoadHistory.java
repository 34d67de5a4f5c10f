package switchyard.math.placement;

import java.util.Arrays;

/**
 * The load a planner plans for: tokens per logical expert per step, kept as an exponential moving
 * average. The first observation is taken as is; after it, every step
 * {@code load_e ← α·tokens_e + (1 − α)·load_e}, so {@code α = 1} keeps only the latest step and a
 * small α remembers long. Plain doubles, expert by expert in index order: the same observations
 * give the same loads, bit for bit, on every machine.
 *
 * <p>Not thread-safe: one owner (the driver) observes and plans.
 */
public final class LoadHistory {
    private final double alpha;
    private final double[] loads;
    private long observations;

    /**
     * @param experts E ≥ 1
     * @param alpha   weight of the newest step, in (0, 1] ({@code --placement-ema})
     */
    public LoadHistory(int experts, double alpha) {
        if (experts < 1) throw new IllegalArgumentException("a load history needs at least 1 expert, got " + experts);
        if (!(alpha > 0 && alpha <= 1))
            throw new IllegalArgumentException("the placement EMA weight must be in (0, 1], got " + alpha);
        this.alpha = alpha;
        this.loads = new double[experts];
    }

    /** Adds one step's tokens per logical expert ({@code tokens.length == E}, each ≥ 0). */
    public void observe(long[] tokens) {
        if (tokens.length != loads.length)
            throw new IllegalArgumentException("tokens of " + tokens.length + " experts for a history of " + loads.length);
        for (int e = 0; e < tokens.length; e++)
            if (tokens[e] < 0) throw new IllegalArgumentException("expert " + e + " has a negative token count " + tokens[e]);
        for (int e = 0; e < tokens.length; e++) {
            loads[e] = observations == 0 ? tokens[e] : alpha * tokens[e] + (1 - alpha) * loads[e];
        }
        observations++;
    }

    /** The average load per logical expert (a copy); all zeros before the first observation. */
    public double[] loads() { return loads.clone(); }

    /** What a checkpoint keeps of a history: its loads and how many steps made them. */
    public record Snapshot(double[] loads, long observations) {
        public Snapshot {
            if (observations < 0) throw new IllegalArgumentException("a load history of " + observations + " steps");
            for (double l : loads) if (!(l >= 0) || Double.isInfinite(l)) throw new IllegalArgumentException("a load of " + l);
            loads = loads.clone();
        }
    }

    /** This history's state, to carry it across a checkpoint. */
    public Snapshot snapshot() {
        return new Snapshot(loads, observations);
    }

    /** Takes up {@code s} (of a checkpoint) as if its steps had been observed here. */
    public void restore(Snapshot s) {
        if (s.loads().length != loads.length)
            throw new IllegalArgumentException("a load history of " + s.loads().length + " experts for one of " + loads.length);
        System.arraycopy(s.loads(), 0, loads, 0, loads.length);
        observations = s.observations();
    }

    /** Steps observed so far. */
    public long observations() { return observations; }

    /** α. */
    public double alpha() { return alpha; }

    @Override
    public String toString() {
        return "LoadHistory[α=" + alpha + ", " + observations + " steps, loads=" + Arrays.toString(loads) + "]";
    }
}
