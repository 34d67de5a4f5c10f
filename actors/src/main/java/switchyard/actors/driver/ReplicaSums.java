package switchyard.actors.driver;

import switchyard.actors.protocol.RankReply;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.placement.Placement;
import switchyard.math.placement.Slot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's sum of a replicated expert's gradients over its replicas, for one update. Each rank
 * reports its replicated slots' gradients ({@link RankReply.ReplicaGradients}); once all have, every
 * expert's are summed in replica order into a fresh set, and every replica steps with that very
 * sum, so replicas stay bit-identical, as the gate replicas do with the all-reduced gate gradient.
 */
final class ReplicaSums {
    private final Placement placement;
    private final RankReply.ReplicaGradients[] reports;
    private int reported;

    ReplicaSums(Placement placement) {
        this.placement = placement;
        this.reports = new RankReply.ReplicaGradients[placement.ranks()];
    }

    /**
     * Takes one rank's report; null once taken, else why it cannot be (another rank, a second
     * report, or slots that are not the rank's replicated slots).
     */
    String take(RankReply.ReplicaGradients r) {
        if (r.rank() < 0 || r.rank() >= reports.length) return "replica gradients from rank " + r.rank() + ", which is not in this job";
        if (reports[r.rank()] != null) return "rank " + r.rank() + " reported its replica gradients twice";
        int[] expected = placement.replicatedSlots(r.rank());
        if (!Arrays.equals(r.slots(), expected))
            return "rank " + r.rank() + " reported replica gradients for slots " + Arrays.toString(r.slots()) + " but holds replicas in "
                    + Arrays.toString(expected);
        reports[r.rank()] = r;
        reported++;
        return null;
    }

    /** The ranks that have reported. */
    java.util.BitSet reported() {
        java.util.BitSet out = new java.util.BitSet();
        for (int r = 0; r < reports.length; r++) if (reports[r] != null) out.set(r);
        return out;
    }

    boolean complete() {
        return reported == reports.length;
    }

    /** Per rank, the sums for its replicated slots in slot order; every replica of an expert gets the same object. */
    List<List<ExpertGrads>> sums() {
        if (!complete()) throw new IllegalStateException(reported + " of " + reports.length + " ranks reported");
        ExpertGrads[] byExpert = new ExpertGrads[placement.experts()];
        for (int e = 0; e < byExpert.length; e++) {
            if (placement.replicas(e) < 2) continue;
            for (Slot s : placement.slotsOf(e)) {
                ExpertGrads g = gradientOf(s);
                if (byExpert[e] == null) byExpert[e] = g.copy();
                else byExpert[e].add(g);
            }
        }
        List<List<ExpertGrads>> perRank = new ArrayList<>(reports.length);
        for (int r = 0; r < reports.length; r++) {
            List<ExpertGrads> own = new ArrayList<>();
            for (int l : reports[r].slots()) own.add(byExpert[placement.expertIn(r, l)]);
            perRank.add(own);
        }
        return perRank;
    }

    private ExpertGrads gradientOf(Slot s) {
        int[] slots = reports[s.rank()].slots();
        for (int i = 0; i < slots.length; i++) if (slots[i] == s.localSlot()) return reports[s.rank()].grads().get(i);
        throw new IllegalStateException("no report for slot " + s);
    }
}
