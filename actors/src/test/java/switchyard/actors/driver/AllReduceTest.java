package switchyard.actors.driver;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepReport;
import switchyard.math.expert.ExpertGrads;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The driver's sums: in step order, then rank order, so every rank gets the same floats; written
 * into the last update's matrices when it passes them, with the very bits of fresh ones.
 */
class AllReduceTest {

    private static RankReply.StepDone done(long step, int rank, Random rnd) {
        StepReport report = new StepReport(4, 0.5, 0f, 0f, 0f, 1, new int[] {rank, 2}, new int[1], 0, new int[4][2], new long[4][2],
                new long[10], new int[] {1, rank + 1}, new int[0], new float[0]);
        ExpertGrads shared = new ExpertGrads(random(2, 3, rnd), random(1, 3, rnd), random(3, 2, rnd), random(1, 2, rnd));
        return new RankReply.StepDone(step, rank, report, random(3, 2, rnd), null, List.of(shared));
    }

    private static FMatrixRMaj random(int rows, int cols, Random rnd) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) rnd.nextGaussian() * 1e3f;
        return m;
    }

    private static List<RankReply.StepDone[]> update(long firstStep, Random rnd) {
        List<RankReply.StepDone[]> steps = new ArrayList<>();
        for (long s = firstStep; s < firstStep + 2; s++) steps.add(new RankReply.StepDone[] {done(s, 0, rnd), done(s, 1, rnd), done(s, 2, rnd)});
        return steps;
    }

    @Test
    void sumsRunInStepOrderThenRankOrder() {
        List<RankReply.StepDone[]> steps = update(0, new Random(5));
        AllReduce sums = AllReduce.of(steps, null);
        for (int i = 0; i < 6; i++) {
            float expected = 0f;
            for (RankReply.StepDone[] ranks : steps) for (RankReply.StepDone d : ranks) expected += d.gateGradient().data[i];
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(sums.gateGradient().data[i]), "gate, element " + i);
        }
        assertArrayEquals(new long[] {6, 12}, sums.expertLoads());
        assertArrayEquals(new long[] {6, 12}, sums.keptPerExpert());
        assertNotSame(steps.get(0)[0].gateGradient(), sums.gateGradient(), "a rank's own gradient is never written into");
    }

    @Test
    void theNextUpdateWritesIntoTheLastOnesMatricesAndGetsTheSameBits() {
        Random rnd = new Random(6);
        AllReduce first = AllReduce.of(update(0, rnd), null);
        List<RankReply.StepDone[]> second = update(2, rnd);
        float[] answer = second.get(0)[0].sharedGradient().get(0).w1().data.clone();
        AllReduce fresh = AllReduce.of(second, null);
        AllReduce reused = AllReduce.of(second, first);
        assertSame(first.gateGradient(), reused.gateGradient());
        assertSame(first.sharedGradient().get(0).w1(), reused.sharedGradient().get(0).w1());
        assertArrayEquals(fresh.gateGradient().data, reused.gateGradient().data);
        ExpertGrads a = fresh.sharedGradient().get(0);
        ExpertGrads b = reused.sharedGradient().get(0);
        assertArrayEquals(a.w1().data, b.w1().data);
        assertArrayEquals(a.b1().data, b.b1().data);
        assertArrayEquals(a.w2().data, b.w2().data);
        assertArrayEquals(a.b2().data, b.b2().data);
        assertArrayEquals(answer, second.get(0)[0].sharedGradient().get(0).w1().data, "the ranks' answers are read, not written");
    }
}
