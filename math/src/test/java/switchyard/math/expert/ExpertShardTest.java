package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shard's expert-by-expert entry points, which a rank uses to start on an expert's rows while
 * later rows are still arriving, must compute exactly what the whole pass does, in any expert
 * order, and must touch no row but the expert's own.
 */
class ExpertShardTest {
    private static final int M = 8, H = 12;
    private static final int[][] COUNTS = {{3, 0, 5}, {2, 4, 1}}; // rows per local expert, from sources 0 and 1
    private final MatMul mm = MatMuls.best();

    @Test
    void expertByExpertInAnyOrderGivesTheWholePassBits() {
        ExpertShard shard = shard();
        List<ExpertRows> whole = blocks(new SplittableRandom(1));
        List<ExpertRows> oneByOne = copies(whole);
        ExpertShard.Pass wholePass = new ExpertShard.Pass(), stepPass = new ExpertShard.Pass();

        shard.forward(whole, wholePass, mm);
        shard.startForward(oneByOne, stepPass);
        for (int l = shard.size() - 1; l >= 0; l--) shard.forwardExpert(l, oneByOne, stepPass, mm);
        assertSameRows(whole, oneByOne);
        for (int l = 0; l < shard.size(); l++) assertArrayEquals(rowData(wholePass.hidden(l)), rowData(stepPass.hidden(l)));

        List<ExpertRows> gradients = blocks(new SplittableRandom(2));
        List<ExpertRows> gradientsOneByOne = copies(gradients);
        List<ExpertGrads> wholeGrads = shard.newGrads(), stepGrads = shard.newGrads();
        shard.backward(wholePass, gradients, wholeGrads, mm);
        shard.startBackward(stepPass, gradientsOneByOne, stepGrads);
        for (int l : new int[] {1, 2, 0}) shard.backwardExpert(l, stepPass, gradientsOneByOne, stepGrads, mm);
        assertSameRows(gradients, gradientsOneByOne);
        for (int l = 0; l < shard.size(); l++) {
            assertArrayEquals(wholeGrads.get(l).w1().data, stepGrads.get(l).w1().data);
            assertArrayEquals(wholeGrads.get(l).b1().data, stepGrads.get(l).b1().data);
            assertArrayEquals(wholeGrads.get(l).w2().data, stepGrads.get(l).w2().data);
            assertArrayEquals(wholeGrads.get(l).b2().data, stepGrads.get(l).b2().data);
        }
    }

    @Test
    void anExpertReadsAndWritesOnlyItsOwnRows() {
        ExpertShard shard = shard();
        List<ExpertRows> blocks = blocks(new SplittableRandom(3));
        // expert 2's rows have not arrived yet: NaN in them must neither spread nor be overwritten
        for (ExpertRows b : blocks) fill(b, 2, Float.NaN);
        ExpertShard.Pass pass = new ExpertShard.Pass();
        shard.startForward(blocks, pass);
        shard.forwardExpert(0, blocks, pass, mm);
        shard.forwardExpert(1, blocks, pass, mm);
        for (ExpertRows b : blocks) {
            int end2 = b.firstRowOf(2);
            for (int i = 0; i < end2 * M; i++) assertTrue(Float.isFinite(b.rows().data[i]), "row " + i / M + " of experts 0-1");
            for (int i = end2 * M; i < b.rows().data.length; i++) assertTrue(Float.isNaN(b.rows().data[i]), "expert 2's row " + i / M + " was written");
        }
    }

    @Test
    void backwardRefusesCountsTheForwardPassDidNotHave() {
        ExpertShard shard = shard();
        ExpertShard.Pass pass = new ExpertShard.Pass();
        shard.forward(blocks(new SplittableRandom(4)), pass, mm);
        List<ExpertRows> wrong = List.of(rows(new SplittableRandom(5), COUNTS[0]), rows(new SplittableRandom(6), new int[] {2, 5, 0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shard.startBackward(pass, wrong, shard.newGrads()));
        assertTrue(e.getMessage().contains("source rank 1") && e.getMessage().contains("[2, 5, 0]"), e.getMessage());
    }

    private static ExpertShard shard() {
        SplittableRandom random = new SplittableRandom(42);
        List<Expert> experts = new ArrayList<>();
        for (int l = 0; l < COUNTS[0].length; l++) experts.add(Expert.initialised(M, H, random));
        return new ExpertShard(3, experts);
    }

    private static List<ExpertRows> blocks(SplittableRandom random) {
        List<ExpertRows> out = new ArrayList<>();
        for (int[] c : COUNTS) out.add(rows(random, c));
        return out;
    }

    private static ExpertRows rows(SplittableRandom random, int[] counts) {
        int n = 0;
        for (int c : counts) n += c;
        FMatrixRMaj m = new FMatrixRMaj(n, M);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return new ExpertRows(m, counts.clone());
    }

    private static List<ExpertRows> copies(List<ExpertRows> blocks) {
        List<ExpertRows> out = new ArrayList<>();
        for (ExpertRows b : blocks) out.add(new ExpertRows(b.rows().copy(), b.counts().clone()));
        return out;
    }

    private static void fill(ExpertRows b, int l, float value) {
        int first = b.firstRowOf(l);
        Arrays.fill(b.rows().data, first * M, (first + b.counts()[l]) * M, value);
    }

    private static void assertSameRows(List<ExpertRows> expected, List<ExpertRows> actual) {
        for (int r = 0; r < expected.size(); r++) assertArrayEquals(expected.get(r).rows().data, actual.get(r).rows().data, "block " + r);
    }

    /** The matrix's rows only: reused buffers may carry headroom past them. */
    private static float[] rowData(FMatrixRMaj m) {
        return Arrays.copyOf(m.data, m.numRows * m.numCols);
    }
}
