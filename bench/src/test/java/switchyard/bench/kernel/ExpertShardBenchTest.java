package switchyard.bench.kernel;

import org.junit.jupiter.api.Test;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpertShardBenchTest {

    @Test
    void everyTokenPicksTopKDistinctExperts() {
        ExpertShardBench.Shape all = new ExpertShardBench.Shape("all", 6, 6, 8, 8, 500, 3, 2);
        for (int[] source : ExpertShardBench.routedCounts(all, 5)) {
            int total = 0;
            for (int c : source) {
                assertTrue(c <= 500, "an expert picked twice by one token");
                total += c;
            }
            assertEquals(500 * 3, total);
        }
    }

    @Test
    void bothRunnersComputeTheSameBitsForOneRankAndForTwoAtOnce() {
        ExpertShardBench.Shape tiny = new ExpertShardBench.Shape("tiny", 8, 4, 16, 24, 96, 2, 2);
        MatMul mm = MatMuls.byName("vector:2");
        for (int ranks = 1; ranks <= 2; ranks++) {
            ShardPasses setup = new ShardPasses(tiny, 3, ranks);
            assertTrue(setup.round(ExpertShardBench.ONE_BY_ONE, mm, true) > 0);
            int oneByOne = setup.digest();
            setup.round(ExpertShardBench.GROUPED, mm, true);
            assertEquals(oneByOne, setup.digest(), ranks + " rank(s)");
            long rows = setup.rows + (setup.beside == null ? 0 : setup.beside.rows);
            assertEquals(6 * 2.0 * rows * 16 * 24, setup.flops(true));
        }
    }
}
