package switchyard.math.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the experts live. {@code W} ranks each have {@code L + R} physical slots; there are
 * {@code E = W·L} logical experts, so {@code W·R} slots are spare and hold replicas. Every slot holds
 * exactly one logical expert and every logical expert holds at least one slot. An expert's
 * <i>replicas</i> are its slots in (rank, local slot) order; replica {@code j} of expert {@code e} is
 * the {@code j}-th of them, the index {@link ReplicaSplit} sends rows to. Two replicas of one expert
 * may share a rank: legal, and it happens when an expert has more replicas than there are ranks.
 *
 * <p>Immutable; validated on construction. Equal placements have equal {@link #toString()} text:
 * {@code W=2 L=2 R=1 | 0 2 3 | 0 0 1} (the ranks in order, each its slots in order).
 */
public final class Placement {
    private final int ranks;
    private final int localExperts;
    private final int redundant;
    private final int[] slots; // flat, rank-major: slot s of rank r at r·(L+R) + s
    private final int[][] replicas; // per expert, its flat slot indices ascending

    /**
     * @param ranks        W ≥ 1
     * @param localExperts L ≥ 1: logical experts per rank, so E = W·L
     * @param redundant    R ≥ 0: spare slots per rank
     * @param slotExperts  the logical expert in every slot, flat and rank-major: slot {@code s} of
     *                     rank {@code r} at {@code r·(L+R) + s}; copied
     */
    public Placement(int ranks, int localExperts, int redundant, int[] slotExperts) {
        if (ranks < 1) throw new IllegalArgumentException("a placement needs at least 1 rank, got W=" + ranks);
        if (localExperts < 1)
            throw new IllegalArgumentException("a placement needs at least 1 expert per rank, got L=" + localExperts);
        if (redundant < 0) throw new IllegalArgumentException("redundant experts per rank must be >= 0, got R=" + redundant);
        int experts = Math.multiplyExact(ranks, localExperts);
        int perRank = Math.addExact(localExperts, redundant);
        int total = Math.multiplyExact(ranks, perRank);
        if (slotExperts.length != total)
            throw new IllegalArgumentException("W=" + ranks + " ranks of L+R=" + perRank + " slots are " + total
                    + " slots, but " + slotExperts.length + " were given");
        this.ranks = ranks;
        this.localExperts = localExperts;
        this.redundant = redundant;
        this.slots = slotExperts.clone();
        int[] count = new int[experts];
        for (int i = 0; i < total; i++) {
            int e = slots[i];
            if (e < 0 || e >= experts)
                throw new IllegalArgumentException("slot " + slotOf(i) + " holds expert " + e + ", outside 0.." + (experts - 1));
            count[e]++;
        }
        List<Integer> missing = new ArrayList<>();
        for (int e = 0; e < experts; e++) if (count[e] == 0) missing.add(e);
        if (!missing.isEmpty())
            throw new IllegalArgumentException("every expert needs at least one slot; no slot holds expert"
                    + (missing.size() == 1 ? " " : "s ") + summary(missing));
        this.replicas = new int[experts][];
        for (int e = 0; e < experts; e++) replicas[e] = new int[count[e]];
        int[] filled = new int[experts];
        for (int i = 0; i < total; i++) replicas[slots[i]][filled[slots[i]]++] = i;
    }

    /**
     * A placement from its ranks' slots: {@code slotsOfRank[r][s]} is the expert in slot s of rank
     * r; every rank has {@code L + R} slots, so R is the slot count less {@code localExperts}.
     */
    public static Placement of(int localExperts, int[]... slotsOfRank) {
        if (slotsOfRank.length == 0) throw new IllegalArgumentException("a placement needs at least 1 rank, got none");
        int perRank = slotsOfRank[0].length;
        int[] flat = new int[Math.multiplyExact(slotsOfRank.length, perRank)];
        for (int r = 0; r < slotsOfRank.length; r++) {
            if (slotsOfRank[r].length != perRank)
                throw new IllegalArgumentException("every rank has the same number of slots, but rank 0 has " + perRank
                        + " and rank " + r + " has " + slotsOfRank[r].length);
            System.arraycopy(slotsOfRank[r], 0, flat, r * perRank, perRank);
        }
        return new Placement(slotsOfRank.length, localExperts, perRank - localExperts, flat);
    }

    /**
     * Today's map: expert {@code e} in slot {@code e % L} of rank {@code e / L}, no replicas (R = 0).
     * There is no static rule for spare slots: filling them needs a load, which is a planner's job.
     */
    public static Placement staticMap(int ranks, int localExperts) {
        if (ranks < 1 || localExperts < 1)
            throw new IllegalArgumentException("the static map needs W >= 1 and L >= 1, got W=" + ranks + " L=" + localExperts);
        int[] flat = new int[Math.multiplyExact(ranks, localExperts)];
        for (int e = 0; e < flat.length; e++) flat[e] = e; // rank e / L, slot e % L is flat index e
        return new Placement(ranks, localExperts, 0, flat);
    }

    /** W. */
    public int ranks() { return ranks; }

    /** L: logical experts per rank. */
    public int localExperts() { return localExperts; }

    /** R: spare slots per rank. */
    public int redundant() { return redundant; }

    /** L + R: physical slots per rank. */
    public int slotsPerRank() { return localExperts + redundant; }

    /** E = W·L: logical experts. */
    public int experts() { return replicas.length; }

    /** True when {@code other} has as many ranks, logical experts per rank and slots per rank: it can replace this one. */
    public boolean sameShape(Placement other) {
        return other.ranks == ranks && other.localExperts == localExperts && other.redundant == redundant;
    }

    /** The logical expert in slot {@code localSlot} of rank {@code rank}. */
    public int expertIn(int rank, int localSlot) {
        checkRank(rank);
        if (localSlot < 0 || localSlot >= slotsPerRank())
            throw new IllegalArgumentException("local slot " + localSlot + " outside 0.." + (slotsPerRank() - 1));
        return slots[rank * slotsPerRank() + localSlot];
    }

    /** The logical experts in rank {@code rank}'s slots, in slot order (an expert twice if it has two slots there). */
    public int[] expertsOn(int rank) {
        checkRank(rank);
        return Arrays.copyOfRange(slots, rank * slotsPerRank(), (rank + 1) * slotsPerRank());
    }

    /** Number of replicas (slots) of expert {@code e}: at least 1. */
    public int replicas(int e) { return replicas[checkExpert(e)].length; }

    /** The slots of expert {@code e}, in replica order: (rank, local slot) ascending. */
    public List<Slot> slotsOf(int e) {
        List<Slot> out = new ArrayList<>();
        for (int i : replicas[checkExpert(e)]) out.add(slotOf(i));
        return List.copyOf(out);
    }

    /** Replica {@code j} of expert {@code e}: its {@code j}-th slot in (rank, local slot) order. */
    public Slot replica(int e, int j) {
        int[] of = replicas[checkExpert(e)];
        if (j < 0 || j >= of.length)
            throw new IllegalArgumentException("expert " + e + " has " + of.length + (of.length == 1 ? " replica" : " replicas")
                    + ", no replica " + j);
        return slotOf(of[j]);
    }

    /** Whether some expert has more than one replica (whose gradients must then be summed over them). */
    public boolean hasReplicas() {
        for (int[] of : replicas) if (of.length > 1) return true;
        return false;
    }

    /** The slots of {@code rank} whose expert has more than one replica, ascending. */
    public int[] replicatedSlots(int rank) {
        int[] ids = expertsOn(rank);
        return java.util.stream.IntStream.range(0, ids.length).filter(l -> replicas[ids[l]].length > 1).toArray();
    }

    /** The logical expert of every slot, flat and rank-major (a copy). */
    public int[] slotExperts() { return slots.clone(); }

    /** Whether this is {@link #staticMap} of its W and L. */
    public boolean isStatic() { return equals(staticMap(ranks, localExperts)); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p && p.ranks == ranks && p.localExperts == localExperts
                && p.redundant == redundant && Arrays.equals(p.slots, slots);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * ranks + localExperts) + redundant) + Arrays.hashCode(slots);
    }

    /** {@code W=2 L=2 R=1 | 0 2 3 | 0 0 1}: the sizes, then each rank's experts in slot order. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("W=").append(ranks).append(" L=").append(localExperts).append(" R=").append(redundant);
        for (int r = 0; r < ranks; r++) {
            b.append(" |");
            for (int s = 0; s < slotsPerRank(); s++) b.append(' ').append(slots[r * slotsPerRank() + s]);
        }
        return b.toString();
    }

    /**
     * The placement {@link #toString()} wrote: {@code W=2 L=2 R=1 | 0 2 3 | 0 0 1}. Reports keep
     * placements as this text (metrics.jsonl, summary.json), so drawing them needs the way back.
     */
    public static Placement parse(String text) {
        String[] parts = text.trim().split("\\s*\\|\\s*", -1);
        String[] sizes = parts[0].split("\\s+");
        if (sizes.length != 3 || !sizes[0].startsWith("W=") || !sizes[1].startsWith("L=") || !sizes[2].startsWith("R="))
            throw new IllegalArgumentException("a placement's text starts 'W=.. L=.. R=..', got '" + parts[0] + "'");
        int ranks, localExperts, redundant;
        try {
            ranks = Integer.parseInt(sizes[0].substring(2));
            localExperts = Integer.parseInt(sizes[1].substring(2));
            redundant = Integer.parseInt(sizes[2].substring(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a placement's sizes are whole numbers, got '" + parts[0] + "'");
        }
        if (parts.length - 1 != ranks)
            throw new IllegalArgumentException("a placement of W=" + ranks + " lists " + ranks + " ranks, got " + (parts.length - 1));
        int perRank = localExperts + redundant;
        int[] flat = new int[Math.multiplyExact(ranks, perRank)];
        for (int r = 0; r < ranks; r++) {
            String[] experts = parts[r + 1].isEmpty() ? new String[0] : parts[r + 1].split("\\s+");
            if (experts.length != perRank)
                throw new IllegalArgumentException("rank " + r + " of a placement has L+R=" + perRank + " slots, got " + experts.length);
            for (int s = 0; s < perRank; s++) {
                try {
                    flat[r * perRank + s] = Integer.parseInt(experts[s]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("slot " + s + " of rank " + r + " holds '" + experts[s] + "', not an expert");
                }
            }
        }
        return new Placement(ranks, localExperts, redundant, flat);
    }

    private Slot slotOf(int flat) { return new Slot(flat / slotsPerRank(), flat % slotsPerRank()); }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= ranks) throw new IllegalArgumentException("rank " + rank + " outside 0.." + (ranks - 1));
    }

    private int checkExpert(int e) {
        if (e < 0 || e >= replicas.length)
            throw new IllegalArgumentException("expert " + e + " outside 0.." + (replicas.length - 1));
        return e;
    }

    /** "3" or "1, 4, 5" or "1, 4, 5, … (9 in all)". */
    private static String summary(List<Integer> experts) {
        int shown = Math.min(experts.size(), 8);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shown; i++) b.append(i == 0 ? "" : ", ").append(experts.get(i));
        if (shown < experts.size()) b.append(", … (").append(experts.size()).append(" in all)");
        return b.toString();
    }
}
