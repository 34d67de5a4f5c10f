package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.wire.WireMessage;
import switchyard.math.expert.ExpertGrads;

import java.util.Arrays;
import java.util.List;

/** What ranks tell the driver. Errors are values: they name the rank, the step and the phase. */
public sealed interface RankReply extends WireMessage {

    int rank();

    /**
     * The token side of {@code step} finished on {@code rank}. {@code gateGradient} is null for
     * forward-only steps; {@code sharedGradient} holds the gradients of the rank's replica of the
     * shared experts (empty without them, or forward only). In one JVM those are the rank's own
     * buffers, which it reuses once the update of the step has been applied: read them before.
     */
    record StepDone(long step, int rank, StepReport report, FMatrixRMaj gateGradient, StepTensors tensors,
                    List<ExpertGrads> sharedGradient) implements RankReply {
        public StepDone(long step, int rank, StepReport report, FMatrixRMaj gateGradient, StepTensors tensors) {
            this(step, rank, report, gateGradient, tensors, List.of());
        }
    }

    /** {@code step} cannot finish on {@code rank}: the ranks in {@code missing} did not answer in {@code phase}, or {@code reason}. */
    record StepFailed(long step, int rank, Phase phase, int[] missing, String reason) implements RankReply {
        @Override
        public String toString() {
            return "step " + step + " failed on rank " + rank + " in phase " + phase
                    + (missing.length > 0 ? ", missing ranks " + Arrays.toString(missing) : "") + ": " + reason;
        }
    }

    /** A message that belongs to no step this rank can serve (stale, unknown or duplicate); the rank carries on. */
    record Rejected(long step, int rank, String reason) implements RankReply {}

    /**
     * The gradients the steps of an update left on {@code rank}'s slots {@code slots} (those whose
     * expert has other replicas, ascending), summed in step order; {@code grads} in the same order.
     */
    record ReplicaGradients(int rank, int[] slots, List<ExpertGrads> grads) implements RankReply {
        public ReplicaGradients {
            if (slots.length != grads.size())
                throw new IllegalArgumentException("replica gradients for " + slots.length + " slots carry " + grads.size() + " gradients");
        }
    }

    /** The optimizer ran on {@code rank} with the gradients of {@code steps}. */
    record Updated(int rank, long[] steps) implements RankReply {}

    /**
     * SHA-256 of the raw float bits of the rank's gate replica (its weight, and its selection bias
     * when it has one), of its replica of the shared experts (empty without them) and of each local
     * expert (W1, b1, W2, b2).
     */
    record ParameterDigest(int rank, byte[] gate, List<byte[]> experts, byte[] shared) implements RankReply {
        public ParameterDigest(int rank, byte[] gate, List<byte[]> experts) {
            this(rank, gate, experts, new byte[0]);
        }
    }

    /** {@code rank} wrote its checkpoint file to {@code path}. */
    record CheckpointSaved(int rank, String path) implements RankReply {}

    /** {@code rank} resumed from a checkpoint made after {@code updatesDone} updates. */
    record Restored(int rank, long updatesDone) implements RankReply {}

    /** New parameters are in place on {@code rank}. */
    record Loaded(int rank) implements RankReply {}

    /** The gradients a step left on {@code rank}'s experts (for inspection before an update). */
    record Gradients(long step, int rank, List<ExpertGrads> experts) implements RankReply {}
}
