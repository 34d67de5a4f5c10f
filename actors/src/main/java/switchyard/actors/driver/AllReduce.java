package switchyard.actors.driver;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RankReply;
import switchyard.math.expert.ExpertGrads;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The all-reduce of an update: every rank's gate gradient and shared-expert gradient summed, and
 * every rank's selections per expert summed into the global load. Sums run in step order, then rank
 * order, on one thread, so every replica receives the very same floats and stays bit-identical.
 *
 * @param expertLoads every rank's selections per expert over the update's steps
 * @param keptPerExpert the kept assignments per expert over the update's steps, every rank and
 *     micro-batch: the load the placement planner follows
 */
record AllReduce(FMatrixRMaj gateGradient, List<ExpertGrads> sharedGradient, long[] expertLoads, long[] keptPerExpert) {

    /**
     * The sums over {@code byStep}: for each step in order, every rank's answer in rank order. They
     * are written into {@code reuse}'s matrices where it has them (null: new ones), since a shared
     * expert's gradient is megabytes and comes every update: the caller passes an earlier update's
     * sums only once every rank has applied them.
     */
    static AllReduce of(Collection<RankReply.StepDone[]> byStep, AllReduce reuse) {
        FMatrixRMaj gate = null;
        List<ExpertGrads> shared = null;
        long[] loads = null;
        long[] kept = null;
        for (RankReply.StepDone[] ranks : byStep) {
            for (RankReply.StepDone d : ranks) {
                if (gate == null) {
                    gate = copy(d.gateGradient(), reuse == null ? null : reuse.gateGradient());
                } else {
                    for (int i = 0; i < gate.getNumElements(); i++) gate.data[i] += d.gateGradient().data[i];
                }
                if (shared == null) {
                    shared = new ArrayList<>(d.sharedGradient().size());
                    for (int i = 0; i < d.sharedGradient().size(); i++) {
                        ExpertGrads g = d.sharedGradient().get(i);
                        boolean held = reuse != null && i < reuse.sharedGradient().size();
                        shared.add(held ? g.copyInto(reuse.sharedGradient().get(i)) : g.copy());
                    }
                } else {
                    for (int i = 0; i < shared.size(); i++) shared.get(i).add(d.sharedGradient().get(i));
                }
                int[] selections = d.report().selections();
                if (loads == null) loads = new long[selections.length];
                for (int e = 0; e < selections.length; e++) loads[e] += selections[e];
                int[] perExpert = d.report().tokensPerExpert();
                if (kept == null) kept = new long[perExpert.length];
                for (int e = 0; e < perExpert.length && e < kept.length; e++) kept[e] += perExpert[e];
            }
        }
        return new AllReduce(gate, shared == null ? List.of() : shared, loads, kept);
    }

    /** {@code from} copied into {@code into} (grown if too small), or into a new matrix when it is null. */
    private static FMatrixRMaj copy(FMatrixRMaj from, FMatrixRMaj into) {
        if (into == null) return from.copy();
        into.setTo(from);
        return into;
    }
}
