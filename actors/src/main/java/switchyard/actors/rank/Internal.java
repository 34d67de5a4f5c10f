package switchyard.actors.rank;

import akka.actor.NoSerializationVerificationNeeded;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.checkpoint.RankCheckpoint;
import switchyard.math.placement.Placement;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.transport.LinkFailed;
import switchyard.math.gate.Routing;
import switchyard.math.optim.OptimizerState;

import akka.actor.typed.ActorRef;

/**
 * What a rank hears from its own helpers: its gate actor's answers, its deadline timers, the data
 * plane's link events and its checkpoint worker. These never leave the rank's JVM.
 */
sealed interface Internal extends RankInbox, NoSerializationVerificationNeeded {

    /** The gate routed {@code step}'s tokens (or could not: {@code error}); the routing buffers are back. */
    record Routed(long step, Routing routing, String error, long nanos) implements Internal {}

    /**
     * The gate backward of {@code step} ran; its input-gradient matrix is back, now holding the gate
     * path (or it could not: {@code error}, and the matrices are null).
     */
    record GateBackwardDone(long step, FMatrixRMaj inputGradient, FMatrixRMaj weightGradient, long nanos, String error) implements Internal {}

    /** The gate replica applied the update of {@code steps} (or could not: {@code error}). */
    record GateUpdated(long[] steps, String error) implements Internal {}

    /** The digest of the gate replica's weight. */
    record GateDigest(byte[] digest) implements Internal {}

    /** Copies of the gate replica's weight, selection bias (or null) and optimizer state, for a checkpoint. */
    record GateSnapshot(FMatrixRMaj weight, float[] selectionBias, OptimizerState optimizer) implements Internal {}

    /** A gather of {@code step} waited {@code phase}'s deadline out. */
    record PhaseDeadline(long step, Phase phase) implements Internal {}

    /** The experts this rank waits for after the update ending at {@code after} did not all come in time. */
    record MigrationDeadline(long after) implements Internal {}

    /** A data-plane link of this node broke. */
    record PeerLinkFailed(LinkFailed event) implements Internal {}

    /** The checkpoint worker wrote this rank's file (or failed: the reply says which). */
    record CheckpointWritten(RankReply reply, ActorRef<RankReply> replyTo) implements Internal {}

    /** The checkpoint worker read this rank's file: {@code checkpoint}, or {@code error}. */
    record CheckpointRead(RankCheckpoint checkpoint, String error, Placement placement, ActorRef<RankReply> replyTo) implements Internal {}

    /** Work off the rank's thread failed in a way its stage did not turn into a value. */
    record WorkFailed(Throwable error) implements Internal {}
}
