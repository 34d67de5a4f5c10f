package switchyard.actors.driver;

import switchyard.actors.protocol.RankReply;
import switchyard.actors.rank.ParameterDigests;
import switchyard.math.placement.Placement;
import switchyard.math.placement.Slot;

import java.util.Arrays;
import java.util.List;

/**
 * A job's digest from every rank's: the gate and shared experts once (every replica equal), then
 * one digest per logical expert in expert order, whichever ranks and slots hold it, so a run whose
 * placement moved experts digests as the static run, and every replica of an expert must have the
 * same parameters as its first.
 */
final class ExpertDigests {
    private ExpertDigests() {}

    /** The job's digest, hex (null when replicas diverged), or why there is none. */
    record Job(String digest, String diverged) {}

    /**
     * The digest over the gate replica, the shared experts' replica and every logical expert, once
     * every replica of each is checked against the first: the gate's and the shared experts' on
     * every rank, an expert's in every slot that holds it.
     */
    static Job ofJob(Placement placement, RankReply.ParameterDigest[] byRank) {
        for (RankReply.ParameterDigest d : byRank) {
            if (!Arrays.equals(d.gate(), byRank[0].gate()))
                return new Job(null, "gate replicas diverged: rank " + d.rank() + " differs from rank 0");
            if (!Arrays.equals(d.shared(), byRank[0].shared()))
                return new Job(null, "replicas of the shared experts diverged: rank " + d.rank() + " differs from rank 0");
        }
        List<byte[]> parts = new java.util.ArrayList<>();
        parts.add(byRank[0].gate());
        if (byRank[0].shared().length > 0) parts.add(byRank[0].shared()); // a layer without them digests as before
        String diverged = inExpertOrder(placement, byRank, parts);
        return diverged != null ? new Job(null, diverged) : new Job(ParameterDigests.hex(ParameterDigests.combine(parts)), null);
    }

    /**
     * Adds every logical expert's digest to {@code parts} in expert order; returns null, or why the
     * ranks' digests cannot be taken: a rank reporting another number of slots than the placement
     * gives it, or replicas of one expert that differ.
     */
    private static String inExpertOrder(Placement placement, RankReply.ParameterDigest[] byRank, List<byte[]> parts) {
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
