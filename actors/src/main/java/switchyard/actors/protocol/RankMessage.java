package switchyard.actors.protocol;

import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.wire.WireMessage;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.optim.OptimizerState;
import switchyard.math.placement.Placement;

import java.util.List;

/**
 * What other actors send a rank: the driver's step and update requests, its administration, and the
 * peers' {@link ExchangePart}s. Every one may cross nodes. A rank answers the driver with
 * {@link RankReply}s; errors are values, and a rank carries on after any of them.
 */
public sealed interface RankMessage extends RankInbox, WireMessage
        permits RankMessage.Roster, RankMessage.RunStep, ExchangePart, RankMessage.PartAck, RankMessage.ReportReplicaGradients,
        RankMessage.ApplyUpdate, RankMessage.ExpertMove,
        RankMessage.AbortStep, RankMessage.ReportDigest, RankMessage.InspectGradients, RankMessage.LoadParameters,
        RankMessage.SaveCheckpoint, RankMessage.RestoreCheckpoint {

    /** Who is who: {@code ranks.get(r)} is rank r, and who drives the job. Must come before any step. */
    record Roster(List<ActorRef<RankMessage>> ranks, ActorRef<RankReply> driver) implements RankMessage {}

    /** Run one step on this rank's tokens; {@code training} adds the backward pass. */
    record RunStep(long step, Batch batch, boolean training, boolean returnTensors, ActorRef<RankReply> replyTo)
            implements RankMessage {}

    /** Rank {@code from} took one exchange part from this rank: one credit back (paced exchanges only). */
    record PartAck(int from) implements RankMessage {}

    /**
     * Before an update under a placement with replicas: answer with the gradients {@code steps} left
     * on each of this rank's slots whose expert has other replicas, summed in step order
     * ({@link RankReply.ReplicaGradients}); the driver sums them over every replica.
     */
    record ReportReplicaGradients(long[] steps, ActorRef<RankReply> replyTo) implements RankMessage {}

    /**
     * Apply the optimizer with the gradients of {@code steps} (summed in step order), the all-reduced
     * gate gradient and the all-reduced gradient of the shared experts (empty without them); then
     * move the selection bias by {@code expertLoads}, every rank's selections per expert in those
     * steps (null without a selection bias). Slots whose expert has other replicas step with
     * {@code replicaGradients} instead, the sum over every replica: one per such slot, in slot
     * order (empty when the rank has none), so that all replicas stay bit-identical. With
     * {@code next} (null: none), the experts then move to that placement ({@link ExpertMove}), and
     * the rank answers once its slots hold it.
     */
    record ApplyUpdate(long[] steps, FMatrixRMaj gateGradient, List<ExpertGrads> sharedGradient, long[] expertLoads,
                       List<ExpertGrads> replicaGradients, Placement next, ActorRef<RankReply> replyTo) implements RankMessage {
        public ApplyUpdate(long[] steps, FMatrixRMaj gateGradient, ActorRef<RankReply> replyTo) {
            this(steps, gateGradient, List.of(), null, List.of(), null, replyTo);
        }

        /** Without replicas, and the experts stay where they are. */
        public ApplyUpdate(long[] steps, FMatrixRMaj gateGradient, List<ExpertGrads> sharedGradient, long[] expertLoads,
                           ActorRef<RankReply> replyTo) {
            this(steps, gateGradient, sharedGradient, expertLoads, List.of(), null, replyTo);
        }
    }

    /**
     * A re-placement moves expert {@code expert} into slot {@code slot} of the receiving rank: its
     * parameters and optimizer state after the update that ends with step {@code update}, from rank
     * {@code from}, which held it before. Sent rank to rank, like the exchange's parts.
     */
    record ExpertMove(long update, int from, int slot, int expert, Expert weights, OptimizerState state) implements RankMessage {}

    /** The driver gave up on {@code step}: drop its state. */
    record AbortStep(long step, String reason) implements RankMessage {}

    /** Answer with {@link RankReply.ParameterDigest}. */
    record ReportDigest(ActorRef<RankReply> replyTo) implements RankMessage {}

    /** Answer with the gradients {@code step} left on this rank's experts ({@link RankReply.Gradients}). */
    record InspectGradients(long step, ActorRef<RankReply> replyTo) implements RankMessage {}

    /**
     * Replace the gate replica, the local experts (L of them, in local order), the replica of the
     * shared experts and the selection bias (null: keep it); answered with {@link RankReply.Loaded}.
     */
    record LoadParameters(FMatrixRMaj gateWeight, List<Expert> experts, List<Expert> shared, float[] selectionBias,
                          ActorRef<RankReply> replyTo) implements RankMessage {
        public LoadParameters(FMatrixRMaj gateWeight, List<Expert> experts, ActorRef<RankReply> replyTo) {
            this(gateWeight, experts, List.of(), null, replyTo);
        }
    }

    /** Write this rank's checkpoint file into {@code dir}; answered with {@link RankReply.CheckpointSaved}. */
    record SaveCheckpoint(String dir, long updatesDone, ActorRef<RankReply> replyTo) implements RankMessage {}

    /**
     * Load this rank's checkpoint file from {@code dir}, its experts in the slots {@code placement}
     * gives this rank (null: where they are now); answered with {@link RankReply.Restored}.
     */
    record RestoreCheckpoint(String dir, Placement placement, ActorRef<RankReply> replyTo) implements RankMessage {
        public RestoreCheckpoint(String dir, ActorRef<RankReply> replyTo) {
            this(dir, null, replyTo);
        }
    }
}
