package switchyard.actors.driver;

import switchyard.actors.protocol.RankReply;
import switchyard.math.placement.Placement;
import switchyard.math.placement.Slot;

import java.util.Arrays;
import java.util.List;

/**
 * The experts' part of a job's digest: one digest per logical expert in expert order, whichever
 * ranks and slots hold it, so a run whose placement moved experts digests as the static run, and
 * every replica of an expert must have the same parameters as its first.
 */
final class ExpertDigests {
    private ExpertDigests() {}

    /**
     * Adds every logical expert's digest to {@code parts} in expert order; returns null, or why the
     * ranks' digests cannot be taken: a rank reporting another number of slots than the placement
     * gives it, or replicas of one expert that differ.
     */
    static String inExpertOrder(Placement placement, RankReply.ParameterDigest[] byRank, List<byte[]> parts) {
        for (int r = 0; r < byRank.length; r++) {
            if (byRank[r].experts().size() != placement.slotsPerRank())
                return "rank " + r + " reported digests of " + byRank[r].experts().size() + " experts but holds "
                        + placement.slotsPerRank() + " slots";
        }
        for (int e = 0; e < placement.experts(); e++) {
            List<Slot> slots = placement.slotsOf(e);
            byte[] first = digestOf(byRank, slots.get(0));
            for (Slot s : slots.subList(1, slots.size())) {
                if (!Arrays.equals(first, digestOf(byRank, s)))
                    return "replicas of expert " + e + " diverged: the one in slot " + s.localSlot() + " of rank " + s.rank()
                            + " differs from the one in slot " + slots.get(0).localSlot() + " of rank " + slots.get(0).rank();
            }
            parts.add(first);
        }
        return null;
    }

    private static byte[] digestOf(RankReply.ParameterDigest[] byRank, Slot s) {
        return byRank[s.rank()].experts().get(s.localSlot());
    }
}
