package switchyard.actors.checkpoint;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.optim.OptimizerState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Everything one rank needs to resume: its gate replica, its experts, both optimizers' state, and
 * how many updates produced them. One file per rank, {@code rank-<r>.ckpt}, written to a temporary
 * file and renamed into place, so a crash never leaves a half-written checkpoint under the real name.
 *
 * <p>Format (big-endian): magic {@code SYCK}, version, the job's shape (rank, W, L, M, H, seed; from
 * version 2 also the shared experts' count and width), updates done, the gate weight, (version 2)
 * the selection bias if any, L experts (W1, b1, W2, b2), (version 2) the shared experts, the expert
 * and gate optimizer states, (version 2, with shared experts) theirs, then a CRC-32 of all
 * preceding bytes. Version 1 files (no bias, no shared experts) are still read.
 *
 * @param selectionBias   the gate's selection bias [E], or null when the routing uses none
 * @param sharedExperts   the rank's replica of the shared experts (empty for none)
 * @param sharedOptimizer their optimizer's state, or null without shared experts
 */
public record RankCheckpoint(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, long seed,
                             long updatesDone, FMatrixRMaj gateWeight, float[] selectionBias, List<Expert> experts,
                             List<Expert> sharedExperts, OptimizerState expertOptimizer, OptimizerState gateOptimizer,
                             OptimizerState sharedOptimizer) {
    /** Which rank of which job a checkpoint must belong to. */
    public record Shape(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, long seed,
                        int sharedExperts, int sharedHiddenDim, boolean selectionBias) {}

    private static final int MAGIC = 0x5359434B; // "SYCK"
    private static final int VERSION = 2;
    /** No legitimate rank file is larger; a bigger one is refused before it is read. */
    private static final long MAX_BYTES = 8L << 30;

    public static Path file(Path dir, int rank) {
        return dir.resolve("rank-" + rank + ".ckpt");
    }

    /** Writes {@code dir/rank-<r>.ckpt} atomically; returns its path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(rank);
        out.writeInt(worldSize);
        out.writeInt(localExperts);
        out.writeInt(modelDim);
        out.writeInt(hiddenDim);
        out.writeLong(seed);
        out.writeInt(sharedExperts.size());
        out.writeInt(sharedExperts.isEmpty() ? hiddenDim : sharedExperts.get(0).hiddenDim());
        out.writeLong(updatesDone);
        writeMatrix(out, gateWeight);
        out.writeBoolean(selectionBias != null);
        if (selectionBias != null) writeMatrix(out, FMatrixRMaj.wrap(1, selectionBias.length, selectionBias));
        writeExperts(out, experts);
        writeExperts(out, sharedExperts);
        expertOptimizer.writeTo(out);
        gateOptimizer.writeTo(out);
        if (!sharedExperts.isEmpty()) sharedOptimizer.writeTo(out);
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();

        Path target = file(dir, rank);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.write(tmp, bytes.toByteArray());
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /**
     * Reads rank {@code expected.rank()}'s file from {@code dir} and checks it belongs to this job.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: missing, corrupt, another version, another job
     */
    public static RankCheckpoint read(Path dir, Shape expected) {
        Path path = file(dir, expected.rank());
        byte[] all;
        try {
            if (!Files.isRegularFile(path)) throw new IllegalArgumentException("checkpoint file " + path + " does not exist");
            if (Files.size(path) > MAX_BYTES) throw new IllegalArgumentException("checkpoint file " + path + " is too large to be one");
            all = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read checkpoint " + path + ": " + e.getMessage());
        }
        if (all.length < 16) throw new IllegalArgumentException("checkpoint " + path + " is truncated (" + all.length + " bytes)");
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            if (in.readInt() != MAGIC) throw new IllegalArgumentException(path + " is not a Switchyard checkpoint");
            int version = in.readInt();
            if (version != 1 && version != VERSION)
                throw new IllegalArgumentException("checkpoint " + path + " has format version " + version + ", this build reads 1 and "
                        + VERSION);
            if (crc.getValue() != stored)
                throw new IllegalArgumentException("checkpoint " + path + " is corrupt: its checksum does not match its contents");
            int rank = in.readInt(), w = in.readInt(), l = in.readInt(), m = in.readInt(), h = in.readInt();
            long seed = in.readLong();
            int shared = version == 1 ? 0 : in.readInt();
            int sharedHidden = version == 1 ? h : in.readInt();
            long updates = in.readLong();
            FMatrixRMaj gate = readMatrix(in, m, w * l);
            boolean hasBias = version > 1 && in.readBoolean();
            if (!new Shape(rank, w, l, m, h, seed, shared, sharedHidden, hasBias).equals(expected)) {
                throw new IllegalArgumentException("checkpoint " + path + " belongs to rank " + rank + " of a job with W=" + w + ", L=" + l
                        + ", M=" + m + ", H=" + h + ", seed " + seed + "; this is rank " + expected.rank() + " of W=" + expected.worldSize()
                        + ", L=" + expected.localExperts() + ", M=" + expected.modelDim() + ", H=" + expected.hiddenDim()
                        + ", seed " + expected.seed() + " (and " + shared + " shared experts of H=" + sharedHidden
                        + (hasBias ? ", a selection bias" : ", no selection bias") + "; this job: " + expected.sharedExperts()
                        + " of H=" + expected.sharedHiddenDim() + (expected.selectionBias() ? ", a selection bias)" : ", no selection bias)"));
            }
            float[] bias = hasBias ? readMatrix(in, 1, w * l).data : null;
            List<Expert> experts = readExperts(in, l, m, h);
            List<Expert> sharedExperts = version == 1 ? List.of() : readExperts(in, shared, m, sharedHidden);
            OptimizerState expertState = OptimizerState.readFrom(in);
            OptimizerState gateState = OptimizerState.readFrom(in);
            OptimizerState sharedState = shared > 0 ? OptimizerState.readFrom(in) : null;
            if (in.available() != 0) throw new IllegalArgumentException("checkpoint " + path + " has unexpected trailing bytes");
            return new RankCheckpoint(rank, w, l, m, h, seed, updates, gate, bias, experts, sharedExperts, expertState, gateState,
                    sharedState);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint " + path + " is corrupt: " + e.getMessage());
        }
    }

    private static void writeExperts(DataOutputStream out, List<Expert> experts) throws IOException {
        for (Expert e : experts) {
            writeMatrix(out, e.w1());
            writeMatrix(out, e.b1());
            writeMatrix(out, e.w2());
            writeMatrix(out, e.b2());
        }
    }

    private static List<Expert> readExperts(DataInputStream in, int n, int m, int h) throws IOException {
        List<Expert> experts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            experts.add(new Expert(readMatrix(in, m, h), readMatrix(in, 1, h), readMatrix(in, h, m), readMatrix(in, 1, m)));
        }
        return experts;
    }

    private static void writeMatrix(DataOutputStream out, FMatrixRMaj m) throws IOException {
        out.writeInt(m.numRows);
        out.writeInt(m.numCols);
        for (int i = 0; i < m.numRows * m.numCols; i++) out.writeFloat(m.data[i]);
    }

    private static FMatrixRMaj readMatrix(DataInputStream in, int rows, int cols) throws IOException {
        int r = in.readInt(), c = in.readInt();
        if (r != rows || c != cols) throw new IOException("a matrix is " + r + "x" + c + ", expected " + rows + "x" + cols);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) m.data[i] = in.readFloat();
        return m;
    }
}
