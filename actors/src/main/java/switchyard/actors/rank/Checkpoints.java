package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.checkpoint.RankCheckpoint;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.math.expert.Expert;
import switchyard.math.placement.Placement;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A rank's checkpoints. The file is written and read on {@code io} (a blocking dispatcher), never on
 * the rank's own thread: saving takes copies of the parameters first, so the rank may go on while
 * the file is written; restoring reads and checks the whole file before anything changes. Each
 * returns a stage that always completes with what the rank is told ({@link Internal.CheckpointWritten},
 * {@link Internal.CheckpointRead}), failures included.
 */
final class Checkpoints {
    private final RankSettings settings;
    private final RankModel model;
    private final ActorRef<RankInbox> self;
    private final Executor io;
    /** The save waiting for the gate's snapshot, or being written. */
    private RankMessage.SaveCheckpoint saving;

    Checkpoints(RankSettings settings, RankModel model, ActorRef<RankInbox> self, Executor io) {
        this.settings = settings;
        this.model = model;
        this.self = self;
        this.io = io;
    }

    private int rank() {
        return settings.rank();
    }

    /** Asks the gate for its part first; one save at a time. */
    void save(RankMessage.SaveCheckpoint m) {
        if (saving != null) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "a checkpoint is already being written on rank " + rank()));
            return;
        }
        saving = m;
        model.gate().tell(new GateActor.Snapshot(self));
    }

    /** The gate's part is here: copy the experts' part and write the file off this thread. */
    CompletionStage<Internal> gateSnapshot(Internal.GateSnapshot g) {
        RankMessage.SaveCheckpoint m = saving;
        if (m == null) return null;
        RankCheckpoint checkpoint = new RankCheckpoint(rank(), settings.worldSize(), settings.localExperts(), settings.modelDim(),
                settings.hiddenDim(), settings.seed(), m.updatesDone(), g.weight(), g.selectionBias(), slotIds(), copies(model.shard().experts()),
                copies(model.shared().experts()), model.slots().optimizerState(), g.optimizer(),
                model.shared().isEmpty() ? null : model.sharedOptimizer().state());
        return CompletableFuture.supplyAsync(() -> {
            RankReply reply;
            try {
                reply = new RankReply.CheckpointSaved(rank(), checkpoint.write(Path.of(m.dir())).toString());
            } catch (java.io.IOException | RuntimeException e) {
                reply = new RankReply.Rejected(-1, rank(), "rank " + rank() + " cannot write its checkpoint to " + m.dir() + ": " + e);
            }
            return (Internal) new Internal.CheckpointWritten(reply, m.replyTo());
        }, io).exceptionally(e -> new Internal.CheckpointWritten(
                new RankReply.Rejected(-1, rank(), "rank " + rank() + " cannot write its checkpoint to " + m.dir() + ": " + e), m.replyTo()));
    }

    private int[] slotIds() {
        return model.slots().placement().expertsOn(rank());
    }

    private static List<Expert> copies(List<Expert> experts) {
        List<Expert> out = new ArrayList<>(experts.size());
        for (Expert e : experts) out.add(e.copy());
        return out;
    }

    void written(Internal.CheckpointWritten m) {
        saving = null;
        m.replyTo().tell(m.reply());
    }

    /** Reads and checks this rank's file off this thread. */
    CompletionStage<Internal> restore(RankMessage.RestoreCheckpoint m) {
        RankCheckpoint.Shape shape = new RankCheckpoint.Shape(rank(), settings.worldSize(), settings.localExperts(),
                settings.modelDim(), settings.hiddenDim(), settings.seed(), settings.sharedExperts(),
                settings.sharedExperts() == 0 ? settings.hiddenDim() : settings.sharedHiddenDim(), settings.routing().usesSelectionBias());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return (Internal) new Internal.CheckpointRead(RankCheckpoint.read(Path.of(m.dir()), shape), null, m.placement(), m.replyTo());
            } catch (RuntimeException e) {
                return new Internal.CheckpointRead(null, e.getMessage() != null ? e.getMessage() : e.toString(), m.placement(), m.replyTo());
            }
        }, io).exceptionally(e -> new Internal.CheckpointRead(null, "rank " + rank() + " cannot read its checkpoint in "
                + m.dir() + ": " + e, m.placement(), m.replyTo()));
    }

    /** The file checked out: the experts and their optimizer take its values, then the gate replica. */
    void read(Internal.CheckpointRead m) {
        if (m.error() != null) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), m.error()));
            return;
        }
        RankCheckpoint c = m.checkpoint();
        Placement target = m.placement() != null ? m.placement() : model.slots().placement();
        int[] slots = target.expertsOn(rank());
        if (!java.util.Arrays.equals(c.slotExperts(), slots)) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), "the checkpoint of rank " + rank() + " holds experts "
                    + java.util.Arrays.toString(c.slotExperts()) + " in its slots, but the run places "
                    + java.util.Arrays.toString(slots) + " there"));
            return;
        }
        try {
            // the shared experts' state is checked on a throw-away optimizer first, so nothing changes if it does not fit
            if (!model.shared().isEmpty()) settings.optimizer().create().restore(c.sharedOptimizer());
            model.slots().restore(target, c.experts(), c.expertOptimizer());
            if (!model.shared().isEmpty()) model.sharedOptimizer().restore(c.sharedOptimizer());
        } catch (IllegalArgumentException e) {
            m.replyTo().tell(new RankReply.Rejected(-1, rank(), e.getMessage()));
            return;
        }
        for (int i = 0; i < model.shared().size(); i++) model.shared().expert(i).copyFrom(c.sharedExperts().get(i));
        model.gradients().dropAll();
        model.sharedGradients().dropAll();
        FMatrixRMaj gateWeight = c.gateWeight();
        model.gate().tell(new GateActor.Restore(gateWeight, c.selectionBias(), c.gateOptimizer(), c.updatesDone(), rank(), m.replyTo()));
    }
}
