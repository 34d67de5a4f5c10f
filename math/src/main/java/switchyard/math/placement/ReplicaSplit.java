package switchyard.math.placement;

/**
 * How a source rank divides its rows for one logical expert between the expert's replicas. The
 * rule depends only on the source rank, the row's position among the source's rows for the expert
 * (and how many there are: both fixed by the routing) and the placement — never on timing — so
 * every run of the same routing and placement sends every row to the same replica.
 *
 * <p>Source {@code s} has {@code n} rows for expert {@code e}, which has {@code r} replicas
 * ({@link Placement#replica} order). With {@code n = q·r + m} (0 ≤ m &lt; r), replica {@code j}
 * receives {@code q} rows, plus one if {@code (j − s) mod r < m}: the m left-over rows go to the
 * replicas {@code s, s+1, …, s+m−1 (mod r)}. The replicas take their rows as contiguous blocks in
 * replica order: replica 0 the first of the source's rows for {@code e} (in the order the exchange
 * already stacks them, {@code ExpertRows}), replica 1 the next, and so on.
 *
 * <p>Why this rule. The counts are exactly those of dealing the rows round-robin from replica
 * {@code s} ({@code row k → (s + k) mod r}), so one source with many rows spreads them evenly
 * (no two replicas differ by more than one row), and many sources with few rows each start at
 * different replicas instead of all landing on replica 0 (a plain {@code ⌈n/r⌉}-block rule would
 * send every single row to replica 0). Unlike round-robin, each replica's share is one contiguous
 * block, so a dispatch can send a slice of the rows it already has instead of gathering strided
 * rows, and the replies fall back into place block by block.
 */
public final class ReplicaSplit {
    private ReplicaSplit() {}

    /** Rows replica {@code j} of {@code replicas} receives of the {@code rows} from {@code source}. */
    public static int count(int source, int rows, int replicas, int j) {
        check(source, rows, replicas);
        if (j < 0 || j >= replicas) throw new IllegalArgumentException("replica " + j + " outside 0.." + (replicas - 1));
        int offset = Math.floorMod(j - source, replicas);
        return rows / replicas + (offset < rows % replicas ? 1 : 0);
    }

    /** Rows each replica receives: {@code counts[j]}, summing to {@code rows}. */
    public static int[] counts(int source, int rows, int replicas) {
        check(source, rows, replicas);
        int[] counts = new int[replicas];
        for (int j = 0; j < replicas; j++) counts[j] = count(source, rows, replicas, j);
        return counts;
    }

    /** The split of {@code source}'s {@code rows} rows for {@code expert} under {@code placement}. */
    public static int[] counts(Placement placement, int source, int expert, int rows) {
        if (source >= placement.ranks())
            throw new IllegalArgumentException("source rank " + source + " outside 0.." + (placement.ranks() - 1));
        return counts(source, rows, placement.replicas(expert));
    }

    /** The replica that row {@code row} (0-based, of {@code rows}) from {@code source} goes to. */
    public static int replicaOf(int source, int row, int rows, int replicas) {
        check(source, rows, replicas);
        if (row < 0 || row >= rows) throw new IllegalArgumentException("row " + row + " outside 0.." + (rows - 1));
        int end = 0;
        for (int j = 0; j < replicas; j++) {
            end += count(source, rows, replicas, j);
            if (row < end) return j;
        }
        throw new AssertionError("the counts add up to " + end + ", not " + rows);
    }

    /**
     * Rows per physical slot (flat, rank-major like {@link Placement#slotExperts()}) when every source
     * {@code s} sends {@code rows[s][e]} rows to logical expert {@code e}.
     *
     * @param rows [W][E], each ≥ 0
     */
    public static long[] rowsPerSlot(Placement placement, int[][] rows) {
        if (rows.length != placement.ranks())
            throw new IllegalArgumentException("rows from " + rows.length + " sources for a placement of W=" + placement.ranks());
        int perRank = placement.slotsPerRank();
        long[] out = new long[placement.ranks() * perRank];
        for (int s = 0; s < rows.length; s++) {
            if (rows[s].length != placement.experts())
                throw new IllegalArgumentException("source " + s + " has rows for " + rows[s].length + " experts, not E="
                        + placement.experts());
            for (int e = 0; e < rows[s].length; e++) {
                int[] split = counts(s, rows[s][e], placement.replicas(e));
                for (int j = 0; j < split.length; j++) {
                    Slot slot = placement.replica(e, j);
                    out[slot.rank() * perRank + slot.localSlot()] += split[j];
                }
            }
        }
        return out;
    }

    /** Rows per rank: {@link #rowsPerSlot} summed over each rank's slots. */
    public static long[] rowsPerRank(Placement placement, int[][] rows) {
        long[] slots = rowsPerSlot(placement, rows);
        long[] out = new long[placement.ranks()];
        for (int i = 0; i < slots.length; i++) out[i / placement.slotsPerRank()] += slots[i];
        return out;
    }

    private static void check(int source, int rows, int replicas) {
        if (source < 0) throw new IllegalArgumentException("source rank must be >= 0, got " + source);
        if (rows < 0) throw new IllegalArgumentException("row count must be >= 0, got " + rows);
        if (replicas < 1) throw new IllegalArgumentException("an expert has at least 1 replica, got " + replicas);
    }
}
