package switchyard.math.dispatch;

import switchyard.math.gate.Routing;
import switchyard.math.placement.Placement;
import switchyard.math.placement.ReplicaSplit;
import switchyard.math.placement.Slot;

/**
 * Where one source rank's kept assignments go under a {@link Placement}: for every owner rank and
 * each of its slots, the logical expert in the slot and the contiguous range of that expert's
 * assignments (in the routing's slot order) the slot receives. An expert with one replica sends
 * all of its rows to it; one with several splits them by {@link ReplicaSplit}, which depends only on
 * the source rank, the row counts and the placement. Under the static map slot {@code l} of owner
 * {@code d} receives every row of expert {@code d·L + l}: the block layout of the static exchange.
 */
public final class SlotRoute {
    private final Placement placement;
    private final int slotsPerRank;
    /** Per flat slot {@code owner·(L+R) + slot}: the routing index of its first assignment, its row count. */
    private final int[] first;
    private final int[] count;
    /** Per flat slot, its first row in its owner's block (the rows of the owner's earlier slots come first). */
    private final int[] firstRow;
    /** Every flat slot, expert by expert and each expert's replicas in replica order: the order sums run in. */
    private final int[] inExpertOrder;

    private SlotRoute(Placement placement, int source, Routing routing) {
        if (routing.experts() != placement.experts())
            throw new IllegalArgumentException("routing to E=" + routing.experts() + " experts under a placement of "
                    + placement.experts());
        if (source < 0 || source >= placement.ranks())
            throw new IllegalArgumentException("source rank " + source + " outside 0.." + (placement.ranks() - 1));
        this.placement = placement;
        this.slotsPerRank = placement.slotsPerRank();
        int slots = placement.ranks() * slotsPerRank;
        this.first = new int[slots];
        this.count = new int[slots];
        this.firstRow = new int[slots];
        this.inExpertOrder = new int[slots];
        int ordered = 0;
        for (int e = 0; e < placement.experts(); e++) {
            int rows = routing.tokensAt(e);
            int at = routing.assignmentOffset(e);
            int replicas = placement.replicas(e);
            for (int j = 0; j < replicas; j++) {
                Slot s = placement.replica(e, j);
                int flat = s.rank() * slotsPerRank + s.localSlot();
                int n = replicas == 1 ? rows : ReplicaSplit.count(source, rows, replicas, j);
                first[flat] = at;
                count[flat] = n;
                inExpertOrder[ordered++] = flat;
                at += n;
            }
        }
        for (int owner = 0; owner < placement.ranks(); owner++) {
            int row = 0;
            for (int s = 0; s < slotsPerRank; s++) {
                firstRow[owner * slotsPerRank + s] = row;
                row += count[owner * slotsPerRank + s];
            }
        }
    }

    /** The route of {@code source}'s rows under {@code placement}. */
    public static SlotRoute of(Placement placement, int source, Routing routing) {
        return new SlotRoute(placement, source, routing);
    }

    public Placement placement() { return placement; }

    /** L + R: slots per owner, the entries of every block's row counts. */
    public int slotsPerRank() { return slotsPerRank; }

    public int ranks() { return placement.ranks(); }

    /** The logical expert in {@code owner}'s slot {@code slot}. */
    public int expert(int owner, int slot) { return placement.expertIn(owner, slot); }

    /** The routing's index ({@link Routing#assignmentAt}) of the first assignment the slot receives. */
    public int firstAssignment(int owner, int slot) { return first[flat(owner, slot)]; }

    /** Rows the slot receives from this source. */
    public int count(int owner, int slot) { return count[flat(owner, slot)]; }

    /** The slot's first row in the block this source sends its owner. */
    public int firstRow(int owner, int slot) { return firstRow[flat(owner, slot)]; }

    /**
     * Every slot as {@code owner·(L+R) + slot}, expert by expert and each expert's replicas in
     * replica order: the order a source adds what comes back, so that it does not depend on which
     * ranks hold the experts. Shared: do not change.
     */
    public int[] slotsInExpertOrder() { return inExpertOrder; }

    /** Rows this source sends {@code owner}, over all its slots. */
    public int rowsTo(int owner) {
        int n = 0;
        for (int s = 0; s < slotsPerRank; s++) n += count[flat(owner, s)];
        return n;
    }

    private int flat(int owner, int slot) {
        if (owner < 0 || owner >= placement.ranks())
            throw new IllegalArgumentException("rank " + owner + " is not one of the ranks 0.." + (placement.ranks() - 1));
        if (slot < 0 || slot >= slotsPerRank)
            throw new IllegalArgumentException("slot " + slot + " outside 0.." + (slotsPerRank - 1));
        return owner * slotsPerRank + slot;
    }
}
