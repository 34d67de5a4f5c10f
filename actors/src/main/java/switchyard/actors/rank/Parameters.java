package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.placement.Placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A rank's parameters between steps: the update (its experts here, the gate replica in the gate
 * actor), digests of both, a look at a step's gradients, and new parameters loaded from outside.
 */
final class Parameters {
    private final RankSettings settings;
    private final RankModel model;
    private final ActorRef<RankInbox> self;
    private final Migration migration;
    private final List<ActorRef<RankReply>> digestRequests = new ArrayList<>();
    private ActorRef<RankReply> updateReplyTo;
    /** The placement the update in progress moves to (null: none), and its last step. */
    private Placement next;
    private long lastStep;

    Parameters(RankSettings settings, RankModel model, ActorRef<RankInbox> self, Migration migration) {
        this.settings = settings;
        this.model = model;
        this.self = self;
        this.migration = migration;
    }

    private int rank() {
        return settings.rank();
    }

    /** The experts step with the gradients of {@code steps} summed in step order; then the gate replica with the all-reduced sum. */
    void applyUpdate(RankMessage.ApplyUpdate m) {
        long[] order = m.steps().clone();
        Arrays.sort(order);
        if (order.length == 0 && m.next() != null) { // the moves are named after the update's last step: there is none
            m.replyTo().tell(new RankReply.StepFailed(-1, rank(), Phase.UPDATE, new int[0],
                    "rank " + rank() + " cannot move experts after an update of no steps"));
            return;
        }
        // a diverged run must stop here, naming where, rather than turn every parameter into NaN
        ExpertGradients.NonFinite bad = model.gradients().firstNonFinite(order);
        if (bad != null) {
            m.replyTo().tell(new RankReply.StepFailed(bad.step(), rank(), Phase.UPDATE, new int[0], "the gradient of expert "
                    + model.slots().expertIn(bad.expert()) + " on rank " + rank() + " has a non-finite value at step " + bad.step()
                    + ": the training diverged"));
            return;
        }
        long[] missing = new long[1];
        List<ExpertGrads> sum = model.gradients().sumInStepOrder(order, missing);
        if (sum == null && order.length > 0) {
            m.replyTo().tell(new RankReply.StepFailed(missing[0], rank(), Phase.UPDATE, new int[0],
                    "rank " + rank() + " holds no gradients for step " + missing[0]));
            return;
        }
        if (sum != null) {
            try {
                model.slots().step(sum, m.replicaGradients());
            } catch (IllegalArgumentException e) {
                m.replyTo().tell(new RankReply.StepFailed(order[0], rank(), Phase.UPDATE, new int[0], e.getMessage()));
                return;
            }
        }
        if (!model.shared().isEmpty()) {
            if (m.sharedGradient().size() != model.shared().size()) {
                m.replyTo().tell(new RankReply.StepFailed(order.length > 0 ? order[0] : -1, rank(), Phase.UPDATE, new int[0],
                        "rank " + rank() + " holds " + model.shared().size() + " shared experts but the update carries gradients for "
                                + m.sharedGradient().size()));
                return;
            }
            model.sharedOptimizer().step(model.shared().params(m.sharedGradient()));
        }
        for (long step : order) {
            model.gradients().drop(step);
            model.sharedGradients().drop(step); // the driver has summed them: no one reads them any more
        }
        updateReplyTo = m.replyTo();
        next = m.next() != null && !m.next().equals(model.slots().placement()) ? m.next() : null;
        lastStep = order.length > 0 ? order[order.length - 1] : -1;
        model.gate().tell(new GateActor.Update(order, m.gateGradient(), m.expertLoads(), self));
    }

    /** The gradients of the update's steps on the slots whose experts have other replicas, summed in step order, for the driver. */
    void reportReplicaGradients(RankMessage.ReportReplicaGradients m) {
        long[] order = m.steps().clone();
        Arrays.sort(order);
        if (order.length == 0) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "a request for replica gradients on rank " + rank() + " names no steps"));
            return;
        }
        int[] replicated = model.slots().replicatedSlots();
        long[] missing = new long[1];
        // Copies: the kept sets are summed again, in place, by the update.
        List<ExpertGrads> sums = model.gradients().sumCopies(order, replicated, missing);
        if (sums == null) {
            m.replyTo().tell(new RankReply.StepFailed(missing[0], rank(), Phase.UPDATE, new int[0],
                    "rank " + rank() + " holds no gradients for step " + missing[0]));
            return;
        }
        m.replyTo().tell(new RankReply.ReplicaGradients(rank(), replicated, sums));
    }

    /** The gate replica stepped too; the experts move if the update said so, and then the driver hears the update is done. */
    void gateUpdated(Internal.GateUpdated m) {
        ActorRef<RankReply> replyTo = updateReplyTo;
        if (replyTo == null) return;
        updateReplyTo = null;
        long first = m.steps().length > 0 ? m.steps()[0] : -1;
        if (m.error() != null) {
            replyTo.tell(new RankReply.StepFailed(first, rank(), Phase.UPDATE, new int[0], m.error()));
            return;
        }
        if (next == null) {
            migration.noMove(lastStep);
            replyTo.tell(new RankReply.Updated(rank(), m.steps()));
            return;
        }
        Placement target = next;
        next = null;
        migration.start(lastStep, target, () -> replyTo.tell(new RankReply.Updated(rank(), m.steps())),
                (missing, reason) -> replyTo.tell(new RankReply.StepFailed(first, rank(), Phase.UPDATE, missing, reason)));
    }

    void reportDigest(RankMessage.ReportDigest m) {
        digestRequests.add(m.replyTo());
        model.gate().tell(new GateActor.Digest(self));
    }

    void gateDigest(Internal.GateDigest m) {
        List<byte[]> experts = new ArrayList<>();
        for (Expert e : model.shard().experts()) experts.add(ParameterDigests.of(List.of(e.w1(), e.b1(), e.w2(), e.b2())));
        byte[] shared = model.shared().isEmpty() ? new byte[0] : ParameterDigests.ofExperts(model.shared().experts());
        for (ActorRef<RankReply> to : digestRequests) to.tell(new RankReply.ParameterDigest(rank(), m.digest(), experts, shared));
        digestRequests.clear();
    }

    void inspect(RankMessage.InspectGradients m) {
        List<ExpertGrads> g = model.gradients().of(m.step());
        if (g == null) {
            m.replyTo().tell(new RankReply.Rejected(m.step(), rank(), "rank " + rank() + " holds no gradients for step " + m.step()));
            return;
        }
        List<ExpertGrads> copies = new ArrayList<>(g.size()); // the originals are reused after the update
        for (ExpertGrads e : g) copies.add(e.copy());
        m.replyTo().tell(new RankReply.Gradients(m.step(), rank(), copies));
    }

    void load(RankMessage.LoadParameters m) {
        try {
            if (m.experts().size() != model.shard().size())
                throw new IllegalArgumentException(m.experts().size() + " experts sent to rank " + rank() + ", which holds " + model.shard().size());
            if (m.gateWeight().numRows != settings.modelDim() || m.gateWeight().numCols != settings.experts())
                throw new IllegalArgumentException("gate weight is " + m.gateWeight().numRows + "x" + m.gateWeight().numCols
                        + ", expected " + settings.modelDim() + "x" + settings.experts());
            if (m.shared().size() != model.shared().size())
                throw new IllegalArgumentException(m.shared().size() + " shared experts sent to rank " + rank() + ", which holds "
                        + model.shared().size());
            for (int l = 0; l < model.shard().size(); l++) model.shard().expert(l).copyFrom(m.experts().get(l));
            for (int i = 0; i < model.shared().size(); i++) model.shared().expert(i).copyFrom(m.shared().get(i));
        } catch (IllegalArgumentException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "cannot load parameters: " + e.getMessage()));
            return;
        }
        model.gate().tell(new GateActor.Load(m.gateWeight(), m.selectionBias(), m.replyTo(), rank()));
    }
}
