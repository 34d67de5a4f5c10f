package switchyard.actors.checkpoint;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.math.expert.Expert;
import switchyard.math.optim.OptimizerState;
import switchyard.math.optim.ParamState;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank file streams in both directions through buffers of any size, bit-exactly, goes through
 * fsync before its rename, and a single changed byte, a cut-off file or another job's file is
 * refused before anything is returned.
 */
class RankCheckpointFileTest {
    private static final int W = 2, L = 2, M = 5, H = 3, SHARED_H = 4;

    /** Rank 1 of W=2 with a selection bias, one shared expert and odd floats: NaN payloads, -0, subnormals, infinities. */
    static RankCheckpoint checkpoint() {
        return checkpoint(new int[] {2, 3});
    }

    /** The same with {@code slots} naming the expert in each slot. */
    static RankCheckpoint checkpoint(int[] slots) {
        SplittableRandom random = new SplittableRandom(7);
        List<Expert> experts = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) experts.add(expert(random, H));
        float[] bias = floats(random, W * L);
        bias[0] = Float.intBitsToFloat(0x7FC00123); // a NaN with a payload, which writeFloat would have canonicalised
        FMatrixRMaj gate = new FMatrixRMaj(M, W * L, true, floats(random, M * W * L));
        gate.data[1] = -0f;
        gate.data[2] = Float.MIN_VALUE;
        gate.data[3] = Float.NEGATIVE_INFINITY;
        return new RankCheckpoint(1, W, L, M, H, 99L, 12, gate, bias, slots, experts, List.of(expert(random, SHARED_H)),
                optimizer(random, "experts", 13), optimizer(random, "gate", 40), optimizer(random, "shared", 3));
    }

    static RankCheckpoint.Shape shape() {
        return new RankCheckpoint.Shape(1, W, L, M, H, 99L, 1, SHARED_H, true);
    }

    @Test
    void aTinyBufferRoundTripsBitExactlyAndWritesTheSameBytes(@TempDir Path dir) throws IOException {
        RankCheckpoint saved = checkpoint();
        Path tiny = saved.write(dir.resolve("tiny"), new CheckpointIo(7, Durability.FSYNC));
        Path usual = saved.write(dir.resolve("usual"), CheckpointIo.DEFAULT);
        assertArrayEquals(Files.readAllBytes(usual), Files.readAllBytes(tiny), "the buffer size is not part of the format");

        for (int buffer : new int[] {7, 64, 1 << 20}) {
            RankCheckpoint read = RankCheckpoint.read(dir.resolve("tiny"), shape(), new CheckpointIo(buffer, Durability.FSYNC));
            assertSameBits(saved, read);
        }
    }

    @Test
    void theSlotsOfAPlacementWithReplicasRoundTrip(@TempDir Path dir) throws IOException {
        RankCheckpoint saved = checkpoint(new int[] {3, 0, 3}); // R = 1, expert 3 twice
        saved.write(dir);
        RankCheckpoint read = RankCheckpoint.read(dir, shape());
        assertArrayEquals(new int[] {3, 0, 3}, read.slotExperts());
        assertSameBits(saved, read);
    }

    @Test
    void theFileIsForcedBeforeItsRenameAndTheDirectoryAfter(@TempDir Path dir) throws IOException {
        CountingDurability durability = new CountingDurability();
        Path file = checkpoint().write(dir, new CheckpointIo(64, durability));
        assertEquals(1, durability.filesForced);
        assertEquals(List.of(dir.toAbsolutePath()), durability.directoriesSynced);
        assertTrue(Files.isRegularFile(file));
        assertEquals(List.of(file.getFileName()), Files.list(dir).map(Path::getFileName).toList(), "no temporary file is left");
    }

    @Test
    void oneChangedByteAnywhereIsCaught(@TempDir Path dir) throws IOException {
        Path file = checkpoint().write(dir, CheckpointIo.DEFAULT);
        byte[] good = Files.readAllBytes(file);
        CheckpointIo small = new CheckpointIo(64, Durability.FSYNC);
        int headerEnd = 4 * 2 + 4 * 5 + 8 + 4 * 2 + 8 + 1; // magic, version, rank..H, seed, shared, updates, bias flag
        for (int at : new int[] {21, headerEnd - 1, headerEnd + 2, good.length / 2, good.length - 9, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RankCheckpoint.read(dir, shape(), small));
            assertTrue(e.getMessage().contains("rank-1.ckpt is corrupt"), "byte " + at + ": " + e.getMessage());
        }
        Files.write(file, Arrays.copyOf(good, good.length - 3));
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class, () -> RankCheckpoint.read(dir, shape(), small));
        assertTrue(cut.getMessage().contains("is corrupt: it is truncated"), cut.getMessage());
    }

    @Test
    void anotherJobsFileIsRefusedByTheRank(@TempDir Path dir) throws IOException {
        checkpoint().write(dir, CheckpointIo.DEFAULT);
        RankCheckpoint.Shape wider = new RankCheckpoint.Shape(1, W, L, M + 1, H, 99L, 1, SHARED_H, true);
        String m = assertThrows(IllegalArgumentException.class, () -> RankCheckpoint.read(dir, wider)).getMessage();
        assertTrue(m.contains("M=" + M) && m.contains("M=" + (M + 1)), m);
        RankCheckpoint.Shape noBias = new RankCheckpoint.Shape(1, W, L, M, H, 99L, 1, SHARED_H, false);
        String bias = assertThrows(IllegalArgumentException.class, () -> RankCheckpoint.read(dir, noBias)).getMessage();
        assertTrue(bias.contains("a selection bias; this job: 1 of H=" + SHARED_H + ", no selection bias"), bias);
    }

    /** Format 2, as the previous release wrote it (no header checksum, the bias flag after the gate), is still read. */
    @Test
    void theFormerVersionIsStillRead(@TempDir Path dir) throws IOException {
        RankCheckpoint c = checkpoint();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int v : new int[] {0x5359434B, 2, c.rank(), W, L, M, H}) out.writeInt(v);
        out.writeLong(c.seed());
        out.writeInt(1);
        out.writeInt(SHARED_H);
        out.writeLong(c.updatesDone());
        writeMatrix(out, c.gateWeight());
        out.writeBoolean(true);
        writeMatrix(out, FMatrixRMaj.wrap(1, W * L, c.selectionBias()));
        for (Expert e : c.experts()) writeExpert(out, e);
        writeExpert(out, c.sharedExperts().get(0));
        c.expertOptimizer().writeTo(out);
        c.gateOptimizer().writeTo(out);
        c.sharedOptimizer().writeTo(out);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Files.write(RankCheckpoint.file(dir, 1), bytes.toByteArray());
        assertSameBits(c, RankCheckpoint.read(dir, shape(), new CheckpointIo(7, Durability.FSYNC)));
    }

    private static void writeExpert(DataOutputStream out, Expert e) throws IOException {
        for (FMatrixRMaj m : List.of(e.w1(), e.b1(), e.w2(), e.b2())) writeMatrix(out, m);
    }

    private static void writeMatrix(DataOutputStream out, FMatrixRMaj m) throws IOException {
        out.writeInt(m.numRows);
        out.writeInt(m.numCols);
        for (int i = 0; i < m.getNumElements(); i++) out.writeInt(Float.floatToRawIntBits(m.data[i]));
    }

    private static void assertSameBits(RankCheckpoint want, RankCheckpoint got) {
        assertEquals(List.of(want.rank(), want.worldSize(), want.localExperts(), want.modelDim(), want.hiddenDim()),
                List.of(got.rank(), got.worldSize(), got.localExperts(), got.modelDim(), got.hiddenDim()));
        assertEquals(want.seed(), got.seed());
        assertEquals(want.updatesDone(), got.updatesDone());
        assertBits(want.gateWeight().data, got.gateWeight().data);
        assertBits(want.selectionBias(), got.selectionBias());
        assertArrayEquals(want.slotExperts(), got.slotExperts());
        assertEquals(want.experts().size(), got.experts().size());
        for (int i = 0; i < want.experts().size(); i++) assertExpert(want.experts().get(i), got.experts().get(i));
        assertExpert(want.sharedExperts().get(0), got.sharedExperts().get(0));
        assertOptimizer(want.expertOptimizer(), got.expertOptimizer());
        assertOptimizer(want.gateOptimizer(), got.gateOptimizer());
        assertOptimizer(want.sharedOptimizer(), got.sharedOptimizer());
    }

    private static void assertExpert(Expert want, Expert got) {
        assertBits(want.w1().data, got.w1().data);
        assertBits(want.b1().data, got.b1().data);
        assertBits(want.w2().data, got.w2().data);
        assertBits(want.b2().data, got.b2().data);
    }

    private static void assertOptimizer(OptimizerState want, OptimizerState got) {
        assertEquals(want.kind(), got.kind());
        assertEquals(want.steps(), got.steps());
        assertEquals(want.hyperParameters(), got.hyperParameters());
        assertEquals(want.params().keySet(), got.params().keySet());
        for (String name : want.params().keySet()) {
            ParamState w = want.params().get(name), g = got.params().get(name);
            assertEquals(w.bufferNames(), g.bufferNames());
            for (String b : w.bufferNames()) assertBits(w.buffer(b), g.buffer(b));
        }
    }

    private static void assertBits(float[] want, float[] got) {
        if (want == null) {
            assertNull(got);
            return;
        }
        int[] w = new int[want.length], g = new int[got.length];
        for (int i = 0; i < want.length; i++) w[i] = Float.floatToRawIntBits(want[i]);
        for (int i = 0; i < got.length; i++) g[i] = Float.floatToRawIntBits(got[i]);
        assertArrayEquals(w, g);
    }

    private static Expert expert(SplittableRandom random, int hidden) {
        return new Expert(new FMatrixRMaj(M, hidden, true, floats(random, M * hidden)), new FMatrixRMaj(1, hidden, true, floats(random, hidden)),
                new FMatrixRMaj(hidden, M, true, floats(random, hidden * M)), new FMatrixRMaj(1, M, true, floats(random, M)));
    }

    private static OptimizerState optimizer(SplittableRandom random, String param, long steps) {
        Map<String, float[]> buffers = Map.of("m", floats(random, 6), "v", floats(random, 6));
        return new OptimizerState("adam", Map.of("lr", 0.003), steps, Map.of(param, new ParamState(2, 3, steps, buffers)));
    }

    private static float[] floats(SplittableRandom random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) random.nextGaussian();
        return f;
    }
}
