package switchyard.actors.checkpoint;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.Expert;
import switchyard.math.optim.OptimizerState;
import switchyard.math.tensor.FloatStreams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The bytes of a {@link RankCheckpoint}, big-endian, streamed both ways with the CRC-32 computed
 * on the fly. Version 4:
 *
 * <pre>
 * int magic "SYCK", int version
 * int rank, W, L, M, H; long seed; int shared experts, their H; long updates done; boolean selection bias
 * int slots n (L + R), n ints: the logical expert in each slot
 * int CRC-32 of the header so far      (so the shape can be trusted before gigabytes are read)
 * gate weight [M × W·L], selection bias [1 × W·L] if any     (each matrix: int rows, int cols, floats)
 * n experts (W1, b1, W2, b2) in slot order, the shared experts
 * the expert and gate optimizer states, the shared experts' if any
 * long CRC-32 of every preceding byte
 * </pre>
 *
 * Versions 1 to 3 (the static map's L slots, experts {@code rank·L …}; before 3 no header
 * checksum and the bias flag followed the gate; version 1 had no bias and no shared experts) are
 * still read. A reader returns only after the final checksum
 * matched, so nothing of a corrupt file reaches a model.
 */
final class RankCheckpointFormat {
    private static final int MAGIC = 0x5359434B; // "SYCK"
    static final int VERSION = 4;
    /** More slots than any job has: a larger count is a corrupt header, not an allocation to make. */
    private static final int MAX_SLOTS = 1 << 16;

    private RankCheckpointFormat() {}

    static void write(RankCheckpoint c, OutputStream stream, int chunkBytes) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(stream, crc));
        byte[] scratch = FloatStreams.scratch(chunkBytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(c.rank());
        out.writeInt(c.worldSize());
        out.writeInt(c.localExperts());
        out.writeInt(c.modelDim());
        out.writeInt(c.hiddenDim());
        out.writeLong(c.seed());
        out.writeInt(c.sharedExperts().size());
        out.writeInt(c.sharedExperts().isEmpty() ? c.hiddenDim() : c.sharedExperts().get(0).hiddenDim());
        out.writeLong(c.updatesDone());
        out.writeBoolean(c.selectionBias() != null);
        out.writeInt(c.slotExperts().length);
        for (int e : c.slotExperts()) out.writeInt(e);
        out.writeInt((int) crc.getValue());
        writeMatrix(out, c.gateWeight(), scratch);
        if (c.selectionBias() != null) writeMatrix(out, FMatrixRMaj.wrap(1, c.selectionBias().length, c.selectionBias()), scratch);
        writeExperts(out, c.experts(), scratch);
        writeExperts(out, c.sharedExperts(), scratch);
        c.expertOptimizer().writeTo(out);
        c.gateOptimizer().writeTo(out);
        if (!c.sharedExperts().isEmpty()) c.sharedOptimizer().writeTo(out);
        out.writeLong(crc.getValue());
        out.flush();
    }

    /**
     * Reads a checkpoint of the {@code expected} shape from {@code stream}; {@code path} names it in messages.
     *
     * @throws IllegalArgumentException for another format, version or job, or a checksum that does not match
     * @throws IOException              when the stream ends early or holds what no writer wrote
     */
    static RankCheckpoint read(InputStream stream, Path path, RankCheckpoint.Shape expected, int chunkBytes) throws IOException {
        CRC32 crc = new CRC32();
        DataInputStream in = new DataInputStream(new CheckedInputStream(stream, crc));
        byte[] scratch = FloatStreams.scratch(chunkBytes);
        if (in.readInt() != MAGIC) throw new IllegalArgumentException(path + " is not a Switchyard checkpoint");
        int version = in.readInt();
        if (version < 1 || version > VERSION)
            throw new IllegalArgumentException("checkpoint " + path + " has format version " + version + ", this build reads 1 to " + VERSION);
        int rank = in.readInt(), w = in.readInt(), l = in.readInt(), m = in.readInt(), h = in.readInt();
        long seed = in.readLong();
        int shared = version == 1 ? 0 : in.readInt();
        int sharedHidden = version == 1 ? h : in.readInt();
        long updates = in.readLong();
        FMatrixRMaj gate = null;
        boolean hasBias;
        int[] slotExperts;
        if (version >= 3) {
            hasBias = in.readBoolean();
            slotExperts = version >= 4 ? readSlots(in, path) : staticSlots(rank, l);
            int computed = (int) crc.getValue();
            if (in.readInt() != computed) throw corrupt(path, "its header's checksum does not match the header");
        } else { // the bias flag follows the gate: check the rest of the shape before reading the gate
            requireShape(path, new RankCheckpoint.Shape(rank, w, l, m, h, seed, shared, sharedHidden, expected.selectionBias()), expected);
            gate = readMatrix(in, m, w * l, scratch);
            hasBias = version > 1 && in.readBoolean();
            slotExperts = staticSlots(rank, l);
        }
        requireShape(path, new RankCheckpoint.Shape(rank, w, l, m, h, seed, shared, sharedHidden, hasBias), expected);
        if (gate == null) gate = readMatrix(in, m, w * l, scratch);
        float[] bias = hasBias ? readMatrix(in, 1, w * l, scratch).data : null;
        List<Expert> experts = readExperts(in, slotExperts.length, m, h, scratch);
        List<Expert> sharedExperts = readExperts(in, shared, m, sharedHidden, scratch);
        OptimizerState expertState = OptimizerState.readFrom(in);
        OptimizerState gateState = OptimizerState.readFrom(in);
        OptimizerState sharedState = shared > 0 ? OptimizerState.readFrom(in) : null;
        long computed = crc.getValue();
        if (in.readLong() != computed) throw corrupt(path, "its checksum does not match its contents");
        if (in.read() != -1) throw corrupt(path, "it has unexpected trailing bytes");
        return new RankCheckpoint(rank, w, l, m, h, seed, updates, gate, bias, slotExperts, experts, sharedExperts, expertState,
                gateState, sharedState);
    }

    private static int[] readSlots(DataInputStream in, Path path) throws IOException {
        int n = in.readInt();
        if (n < 1 || n > MAX_SLOTS) throw corrupt(path, "it names " + n + " expert slots");
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = in.readInt();
        return ids;
    }

    /** The slots of a file from before placements: the static map's. */
    private static int[] staticSlots(int rank, int localExperts) {
        int[] ids = new int[Math.max(0, localExperts)];
        for (int i = 0; i < ids.length; i++) ids[i] = rank * localExperts + i;
        return ids;
    }

    private static void requireShape(Path path, RankCheckpoint.Shape f, RankCheckpoint.Shape expected) {
        if (f.equals(expected)) return;
        throw new IllegalArgumentException("checkpoint " + path + " belongs to rank " + f.rank() + " of a job with W=" + f.worldSize()
                + ", L=" + f.localExperts() + ", M=" + f.modelDim() + ", H=" + f.hiddenDim() + ", seed " + f.seed() + "; this is rank "
                + expected.rank() + " of W=" + expected.worldSize() + ", L=" + expected.localExperts() + ", M=" + expected.modelDim()
                + ", H=" + expected.hiddenDim() + ", seed " + expected.seed() + " (and " + f.sharedExperts() + " shared experts of H="
                + f.sharedHiddenDim() + (f.selectionBias() ? ", a selection bias" : ", no selection bias") + "; this job: "
                + expected.sharedExperts() + " of H=" + expected.sharedHiddenDim()
                + (expected.selectionBias() ? ", a selection bias)" : ", no selection bias)"));
    }

    private static IllegalArgumentException corrupt(Path path, String what) {
        return new IllegalArgumentException("checkpoint " + path + " is corrupt: " + what);
    }

    private static void writeExperts(DataOutputStream out, List<Expert> experts, byte[] scratch) throws IOException {
        for (Expert e : experts) {
            writeMatrix(out, e.w1(), scratch);
            writeMatrix(out, e.b1(), scratch);
            writeMatrix(out, e.w2(), scratch);
            writeMatrix(out, e.b2(), scratch);
        }
    }

    private static List<Expert> readExperts(DataInputStream in, int n, int m, int h, byte[] scratch) throws IOException {
        List<Expert> experts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            experts.add(new Expert(readMatrix(in, m, h, scratch), readMatrix(in, 1, h, scratch), readMatrix(in, h, m, scratch),
                    readMatrix(in, 1, m, scratch)));
        }
        return experts;
    }

    private static void writeMatrix(DataOutputStream out, FMatrixRMaj m, byte[] scratch) throws IOException {
        out.writeInt(m.numRows);
        out.writeInt(m.numCols);
        FloatStreams.write(out, m.data, 0, m.numRows * m.numCols, scratch);
    }

    private static FMatrixRMaj readMatrix(DataInputStream in, int rows, int cols, byte[] scratch) throws IOException {
        int r = in.readInt(), c = in.readInt();
        if (r != rows || c != cols) throw new IOException("a matrix is " + r + "x" + c + ", expected " + rows + "x" + cols);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        FloatStreams.readFully(in, m.data, 0, rows * cols, scratch);
        return m;
    }
}
