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

    /** Experts whose products are large enough to be shared out, with uneven rows: expert 1 has none, expert 4 a few. */
    private static final int GM = 48, GH = 160;
    private static final int[][] GROUP_COUNTS = {{150, 0, 37, 90, 3}, {60, 0, 0, 120, 1}, {0, 0, 5, 33, 70}};

    @Test
    void expertsSideBySideGiveTheOneByOneBitsOnAnyThreadCount() {
        ExpertShard shard = shard(GM, GH, GROUP_COUNTS[0].length);
        List<ExpertRows> dispatch = blocks(new SplittableRandom(11), GROUP_COUNTS, GM);
        List<ExpertRows> outputGradients = blocks(new SplittableRandom(12), GROUP_COUNTS, GM);
        Run expected = new Run(shard, dispatch, outputGradients);
        MatMul one = MatMuls.byName("vector:1");
        shard.startForward(expected.dispatch, expected.pass);
        for (int l = 0; l < shard.size(); l++) shard.forwardExpert(l, expected.dispatch, expected.pass, one);
        shard.startBackward(expected.pass, expected.gradients, expected.grads);
        for (int l = 0; l < shard.size(); l++) shard.backwardExpert(l, expected.pass, expected.gradients, expected.grads, one);

        for (String kernel : List.of("vector:1", "vector:2", "vector:3")) {
            MatMul mm = MatMuls.byName(kernel);
            Run grouped = new Run(shard, dispatch, outputGradients);
            shard.startForward(grouped.dispatch, grouped.pass);
            shard.forwardExperts(new int[] {3, 0}, grouped.dispatch, grouped.pass, mm);
            shard.forwardExperts(new int[] {4}, grouped.dispatch, grouped.pass, mm);
            shard.forwardExperts(new int[] {}, grouped.dispatch, grouped.pass, mm);
            shard.forwardExperts(new int[] {1, 2}, grouped.dispatch, grouped.pass, mm);
            shard.startBackward(grouped.pass, grouped.gradients, grouped.grads);
            shard.backwardExperts(new int[] {2, 4, 1}, grouped.pass, grouped.gradients, grouped.grads, mm);
            shard.backwardExperts(new int[] {0, 3}, grouped.pass, grouped.gradients, grouped.grads, mm);
            expected.assertSame(grouped, kernel + ", in groups");

            Run whole = new Run(shard, dispatch, outputGradients);
            shard.forward(whole.dispatch, whole.pass, mm);
            shard.backward(whole.pass, whole.gradients, whole.grads, mm);
            expected.assertSame(whole, kernel + ", the whole pass");

            Run oneByOne = new Run(shard, dispatch, outputGradients);
            shard.startForward(oneByOne.dispatch, oneByOne.pass);
            for (int l = 0; l < shard.size(); l++) shard.forwardExpert(l, oneByOne.dispatch, oneByOne.pass, mm);
            shard.startBackward(oneByOne.pass, oneByOne.gradients, oneByOne.grads);
            for (int l = 0; l < shard.size(); l++) shard.backwardExpert(l, oneByOne.pass, oneByOne.gradients, oneByOne.grads, mm);
            expected.assertSame(oneByOne, kernel + ", one by one");
        }
    }

    @Test
    void aGroupThatNamesAnExpertTwiceOrNoneOfTheShardsIsRefusedBeforeAnyRowIsWritten() {
        ExpertShard shard = shard(GM, GH, GROUP_COUNTS[0].length);
        List<ExpertRows> blocks = blocks(new SplittableRandom(13), GROUP_COUNTS, GM);
        List<ExpertRows> untouched = copies(blocks);
        ExpertShard.Pass pass = new ExpertShard.Pass();
        shard.startForward(blocks, pass);
        MatMul mm = MatMuls.byName("vector:2");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> shard.forwardExperts(new int[] {0, 2, 0}, blocks, pass, mm));
        assertTrue(twice.getMessage().contains("local expert 0 listed twice"), twice.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> shard.forwardExperts(new int[] {1, 5}, blocks, pass, mm));
        assertTrue(outside.getMessage().contains("local expert 5 of a shard of 5"), outside.getMessage());
        assertSameRows(untouched, blocks);
        List<ExpertGrads> grads = shard.newGrads();
        shard.forwardExperts(new int[] {0, 1, 2, 3, 4}, blocks, pass, mm);
        shard.startBackward(pass, blocks, grads);
        assertThrows(IllegalArgumentException.class, () -> shard.backwardExperts(new int[] {3, 3}, pass, blocks, grads, mm));
        assertThrows(IllegalArgumentException.class, () -> shard.backwardExperts(new int[] {-1}, pass, blocks, grads, mm));
    }

    @Test
    void expertsSideBySideReadAndWriteOnlyTheirOwnRows() {
        ExpertShard shard = shard(GM, GH, GROUP_COUNTS[0].length);
        List<ExpertRows> blocks = blocks(new SplittableRandom(14), GROUP_COUNTS, GM);
        for (ExpertRows b : blocks) fill(b, 3, Float.NaN, GM); // expert 3's rows are still on the way
        ExpertShard.Pass pass = new ExpertShard.Pass();
        shard.startForward(blocks, pass);
        shard.forwardExperts(new int[] {0, 1, 2, 4}, blocks, pass, MatMuls.byName("vector:2"));
        for (ExpertRows b : blocks) {
            int first3 = b.firstRowOf(3), end3 = first3 + b.counts()[3];
            for (int i = 0; i < b.rows().numRows * GM; i++) {
                boolean own3 = i >= first3 * GM && i < end3 * GM;
                assertTrue(own3 ? Float.isNaN(b.rows().data[i]) : Float.isFinite(b.rows().data[i]), "row " + i / GM);
            }
        }
    }

    /** One pass's inputs (copies, so that every run starts from the same rows), its outputs and gradients. */
    private static final class Run {
        final List<ExpertRows> dispatch, gradients;
        final ExpertShard.Pass pass = new ExpertShard.Pass();
        final List<ExpertGrads> grads;

        Run(ExpertShard shard, List<ExpertRows> dispatch, List<ExpertRows> gradients) {
            this.dispatch = copies(dispatch);
            this.gradients = copies(gradients);
            this.grads = shard.newGrads();
        }

        void assertSame(Run actual, String what) {
            for (int r = 0; r < dispatch.size(); r++) {
                assertArrayEquals(dispatch.get(r).rows().data, actual.dispatch.get(r).rows().data, what + ": outputs to source " + r);
                assertArrayEquals(gradients.get(r).rows().data, actual.gradients.get(r).rows().data, what + ": input gradients to source " + r);
            }
            for (int l = 0; l < grads.size(); l++) {
                assertArrayEquals(rowData(pass.hidden(l)), rowData(actual.pass.hidden(l)), what + ": hidden of expert " + l);
                assertArrayEquals(grads.get(l).w1().data, actual.grads.get(l).w1().data, what + ": dW1 of expert " + l);
                assertArrayEquals(grads.get(l).b1().data, actual.grads.get(l).b1().data, what + ": db1 of expert " + l);
                assertArrayEquals(grads.get(l).w2().data, actual.grads.get(l).w2().data, what + ": dW2 of expert " + l);
                assertArrayEquals(grads.get(l).b2().data, actual.grads.get(l).b2().data, what + ": db2 of expert " + l);
            }
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
        return shard(M, H, COUNTS[0].length);
    }

    private static ExpertShard shard(int modelDim, int hiddenDim, int experts) {
        SplittableRandom random = new SplittableRandom(42);
        List<Expert> list = new ArrayList<>();
        for (int l = 0; l < experts; l++) list.add(Expert.initialised(modelDim, hiddenDim, random));
        return new ExpertShard(3, list);
    }

    private static List<ExpertRows> blocks(SplittableRandom random) {
        return blocks(random, COUNTS, M);
    }

    private static List<ExpertRows> blocks(SplittableRandom random, int[][] counts, int cols) {
        List<ExpertRows> out = new ArrayList<>();
        for (int[] c : counts) out.add(rows(random, c, cols));
        return out;
    }

    private static ExpertRows rows(SplittableRandom random, int[] counts) {
        return rows(random, counts, M);
    }

    private static ExpertRows rows(SplittableRandom random, int[] counts, int cols) {
        int n = 0;
        for (int c : counts) n += c;
        FMatrixRMaj m = new FMatrixRMaj(n, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return new ExpertRows(m, counts.clone());
    }

    private static List<ExpertRows> copies(List<ExpertRows> blocks) {
        List<ExpertRows> out = new ArrayList<>();
        for (ExpertRows b : blocks) out.add(new ExpertRows(b.rows().copy(), b.counts().clone()));
        return out;
    }

    private static void fill(ExpertRows b, int l, float value) {
        fill(b, l, value, M);
    }

    private static void fill(ExpertRows b, int l, float value, int cols) {
        int first = b.firstRowOf(l);
        Arrays.fill(b.rows().data, first * cols, (first + b.counts()[l]) * cols, value);
    }

    private static void assertSameRows(List<ExpertRows> expected, List<ExpertRows> actual) {
        for (int r = 0; r < expected.size(); r++) assertArrayEquals(expected.get(r).rows().data, actual.get(r).rows().data, "block " + r);
    }

    /** The matrix's rows only: reused buffers may carry headroom past them. */
    private static float[] rowData(FMatrixRMaj m) {
        return Arrays.copyOf(m.data, m.numRows * m.numCols);
    }
}
