package switchyard.actors.report;

import switchyard.math.placement.Placement;

/**
 * What {@code placement-step-N.png} shows, before any pixels: for every rank and local slot the
 * logical expert it holds and how many slots that expert has in all (more than 1 = a replica).
 *
 * @param experts  [rank][slot] the logical expert
 * @param replicas [rank][slot] the slot count of that expert over all ranks
 */
record PlacementGrid(int[][] experts, int[][] replicas) {

    static PlacementGrid of(Placement p) {
        int[][] experts = new int[p.ranks()][];
        int[][] replicas = new int[p.ranks()][p.slotsPerRank()];
        for (int r = 0; r < p.ranks(); r++) {
            experts[r] = p.expertsOn(r);
            for (int s = 0; s < experts[r].length; s++) replicas[r][s] = p.replicas(experts[r][s]);
        }
        return new PlacementGrid(experts, replicas);
    }

    int ranks() { return experts.length; }

    int slotsPerRank() { return experts.length == 0 ? 0 : experts[0].length; }

    /** Whether the expert in this cell has other slots too (on this rank or another). */
    boolean replicated(int rank, int slot) { return replicas[rank][slot] > 1; }
}
