package switchyard.math.placement;

/** The checks every planner makes of its inputs, with the messages a user reads. */
final class Loads {
    private Loads() {}

    /**
     * Checks the sizes (W ≥ 1, L ≥ 1, R ≥ 0) and that {@code loads} has E = W·L entries, each
     * finite and ≥ 0; returns a copy with −0.0 made +0.0, so that sorting by load never tells
     * two zeros apart.
     */
    static double[] check(String policy, double[] loads, int ranks, int localExperts, int redundant) {
        if (ranks < 1) throw new IllegalArgumentException(policy + " placement needs at least 1 rank, got W=" + ranks);
        if (localExperts < 1)
            throw new IllegalArgumentException(policy + " placement needs at least 1 expert per rank, got L=" + localExperts);
        if (redundant < 0)
            throw new IllegalArgumentException(policy + " placement: redundant experts per rank must be >= 0, got R=" + redundant);
        long experts = (long) ranks * localExperts;
        if (loads.length != experts)
            throw new IllegalArgumentException(policy + " placement of E=W·L=" + experts + " experts was given loads of "
                    + loads.length);
        double[] out = new double[loads.length];
        for (int e = 0; e < loads.length; e++) {
            if (!Double.isFinite(loads[e]) || loads[e] < 0)
                throw new IllegalArgumentException(policy + " placement: the load of expert " + e
                        + " must be finite and >= 0, got " + loads[e]);
            out[e] = loads[e] + 0.0; // −0.0 + 0.0 = +0.0
        }
        return out;
    }
}
