package switchyard.math.placement;

/**
 * {@code rank_load_imbalance}: the expert rows of the busiest rank over the mean over ranks. 1 is
 * perfect balance; W means one rank does all the work. The step waits for the busiest rank, so
 * the imbalance is roughly how much longer the experts take than they would perfectly balanced.
 * With no rows at all it is 1: there is nothing to balance.
 */
public final class Imbalance {
    private Imbalance() {}

    /** max / mean of {@code rankLoads} (each ≥ 0); 1 when they are all zero. */
    public static double of(double[] rankLoads) {
        if (rankLoads.length == 0) throw new IllegalArgumentException("an imbalance needs at least 1 rank");
        double max = 0;
        double sum = 0;
        for (double l : rankLoads) {
            if (!Double.isFinite(l) || l < 0) throw new IllegalArgumentException("rank loads must be finite and >= 0, got " + l);
            max = Math.max(max, l);
            sum += l;
        }
        return sum == 0 ? 1.0 : max / (sum / rankLoads.length);
    }

    /** max / mean of measured rows per rank (e.g. {@link ReplicaSplit#rowsPerRank}); 1 when all zero. */
    public static double of(long[] rankRows) {
        double[] d = new double[rankRows.length];
        for (int r = 0; r < d.length; r++) d[r] = rankRows[r];
        return of(d);
    }

    /**
     * The load every rank can expect: each slot carries {@code loads[e] / replicas(e)} of its expert
     * {@code e}, the share the replicas get on average from {@link ReplicaSplit}.
     *
     * @param loads one per logical expert, finite and ≥ 0
     */
    public static double[] rankLoads(Placement placement, double[] loads) {
        if (loads.length != placement.experts())
            throw new IllegalArgumentException("loads of " + loads.length + " experts for a placement of E=" + placement.experts());
        for (int e = 0; e < loads.length; e++)
            if (!Double.isFinite(loads[e]) || loads[e] < 0)
                throw new IllegalArgumentException("the load of expert " + e + " must be finite and >= 0, got " + loads[e]);
        int perRank = placement.slotsPerRank();
        int[] slots = placement.slotExperts();
        double[] out = new double[placement.ranks()];
        for (int i = 0; i < slots.length; i++) {
            int e = slots[i];
            out[i / perRank] += loads[e] / placement.replicas(e);
        }
        return out;
    }

    /** The imbalance {@code placement} can expect under {@code loads}: {@code of(rankLoads(...))}. */
    public static double expected(Placement placement, double[] loads) {
        return of(rankLoads(placement, loads));
    }

    /**
     * An estimate of the experts' time per step for studies that route without computing: the
     * busiest rank's expected rows times the time one row takes through an expert (forward, or
     * forward and backward, as the caller measures it). Communication is priced elsewhere.
     */
    public static double estimatedExpertSeconds(Placement placement, double[] loads, double secondsPerRow) {
        if (!Double.isFinite(secondsPerRow) || secondsPerRow < 0)
            throw new IllegalArgumentException("seconds per row must be finite and >= 0, got " + secondsPerRow);
        double max = 0;
        for (double l : rankLoads(placement, loads)) max = Math.max(max, l);
        return max * secondsPerRow;
    }
}
