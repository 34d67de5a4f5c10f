package switchyard.actors.checkpoint;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.optim.OptimizerState;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one rank needs to resume: its gate replica, its experts, both optimizers' state, and
 * how many updates produced them. One file per rank, {@code rank-<r>.ckpt}, in the checkpoint's
 * step directory, written through {@link CheckpointIo} (streamed, fsynced, renamed into place); the
 * bytes are {@link RankCheckpointFormat}'s.
 *
 * @param selectionBias   the gate's selection bias [E], or null when the routing uses none
 * @param slotExperts     the logical expert in each of the rank's slots: {@code experts} in slot order
 * @param sharedExperts   the rank's replica of the shared experts (empty for none)
 * @param sharedOptimizer their optimizer's state, or null without shared experts
 */
public record RankCheckpoint(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, long seed,
                             long updatesDone, FMatrixRMaj gateWeight, float[] selectionBias, int[] slotExperts, List<Expert> experts,
                             List<Expert> sharedExperts, OptimizerState expertOptimizer, OptimizerState gateOptimizer,
                             OptimizerState sharedOptimizer) {
    public RankCheckpoint {
        if (slotExperts.length != experts.size())
            throw new IllegalArgumentException(slotExperts.length + " expert slots named for " + experts.size() + " experts");
    }

    /** Which rank of which job a checkpoint must belong to. */
    public record Shape(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, long seed,
                        int sharedExperts, int sharedHiddenDim, boolean selectionBias) {}

    public static Path file(Path dir, int rank) {
        return dir.resolve("rank-" + rank + ".ckpt");
    }

    /** Writes {@code dir/rank-<r>.ckpt} atomically and durably; returns its path. */
    public Path write(Path dir) throws IOException {
        return write(dir, CheckpointIo.DEFAULT);
    }

    public Path write(Path dir, CheckpointIo io) throws IOException {
        Files.createDirectories(dir);
        Path target = file(dir, rank);
        io.writeAtomically(target, out -> RankCheckpointFormat.write(this, out, io.bufferBytes()));
        return target;
    }

    /**
     * Reads rank {@code expected.rank()}'s file from {@code dir} and checks it belongs to this job.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: missing, truncated, corrupt,
     *                                  another version, another job
     */
    public static RankCheckpoint read(Path dir, Shape expected) {
        return read(dir, expected, CheckpointIo.DEFAULT);
    }

    public static RankCheckpoint read(Path dir, Shape expected, CheckpointIo io) {
        Path path = file(dir, expected.rank());
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException("checkpoint file " + path + " does not exist");
        InputStream in;
        try {
            in = io.open(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read checkpoint " + path + ": " + e.getMessage());
        }
        try (in) {
            return RankCheckpointFormat.read(in, path, expected, io.bufferBytes());
        } catch (EOFException e) {
            throw new IllegalArgumentException("checkpoint " + path + " is corrupt: it is truncated");
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint " + path + " is corrupt: " + e.getMessage());
        }
    }
}
