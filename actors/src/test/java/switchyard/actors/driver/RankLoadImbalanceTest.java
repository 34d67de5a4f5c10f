package switchyard.actors.driver;

import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.StepReport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code rank_load_imbalance} from the dispatch rows matrix, on rows small enough to add up by hand. */
class RankLoadImbalanceTest {

    /** Metrics of 3 ranks whose dispatch rows are {@code dispatch}; the other exchanges carry noise that must not count. */
    private static StepMetrics withDispatch(long[][] dispatch) {
        int w = dispatch.length;
        long[][][] rows = new long[StepReport.EXCHANGES][w][w];
        rows[Exchange.DISPATCH.ordinal()] = dispatch;
        rows[Exchange.EXPERT_OUTPUT.ordinal()][0][0] = 1000; // answers are not expert work
        return new StepMetrics(0, 0, 0, 0, 0, 0, 0, new long[2 * w], 0, 0, rows, new long[StepReport.EXCHANGES][w][w],
                new long[w][Phase.values().length], 0);
    }

    @Test
    void busiestRankOverTheMeanOfTheColumnSums() {
        // rows[src][dst]; received by dst: rank 0: 2+1+0 = 3, rank 1: 4+5+3 = 12, rank 2: 0+0+3 = 3
        // mean (3+12+3)/3 = 6, busiest 12: imbalance 2
        StepMetrics m = withDispatch(new long[][]{{2, 4, 0}, {1, 5, 0}, {0, 3, 3}});
        assertArrayEquals(new long[]{3, 12, 3}, m.rowsPerRank());
        assertEquals(2.0, m.rankLoadImbalance(), 0.0);
    }

    @Test
    void evenRowsAreOneAndNoRowsAreOne() {
        assertEquals(1.0, withDispatch(new long[][]{{1, 2, 3}, {3, 2, 1}, {2, 2, 2}}).rankLoadImbalance(), 0.0); // 6, 6, 6
        assertEquals(1.0, withDispatch(new long[3][3]).rankLoadImbalance(), 0.0);
    }

    @Test
    void oneRankDoingEverythingIsW() {
        assertEquals(3.0, withDispatch(new long[][]{{0, 0, 7}, {0, 0, 1}, {0, 0, 4}}).rankLoadImbalance(), 0.0);
    }

    @Test
    void foldsEveryMicroBatchOfTheUpdate() {
        // two micro-batches of 2 ranks: rank 1 receives 3 + 1 in the first and 5 + 3 in the second: 12; rank 0: 1 + 0 + 2 + 1 = 4
        // mean 8, imbalance 12 / 8 = 1.5
        java.util.List<switchyard.actors.protocol.RankReply.StepDone> done = new java.util.ArrayList<>();
        long[][][] sent = {{{1, 3}, {0, 1}}, {{2, 5}, {1, 3}}}; // [micro][src][dst]
        for (int micro = 0; micro < 2; micro++) {
            for (int src = 0; src < 2; src++) {
                int[][] rows = new int[StepReport.EXCHANGES][2];
                for (int dst = 0; dst < 2; dst++) rows[Exchange.DISPATCH.ordinal()][dst] = (int) sent[micro][src][dst];
                StepReport r = new StepReport(0, 0, 0, 0, 0, 0, new int[4], new int[0], 0, rows,
                        new long[StepReport.EXCHANGES][2], new long[Phase.values().length], new int[4], new int[0], new float[0]);
                done.add(new switchyard.actors.protocol.RankReply.StepDone(micro, src, r, null, null));
            }
        }
        StepMetrics m = StepMetrics.of(0, 2, 4, done, 0);
        assertArrayEquals(new long[]{4, 12}, m.rowsPerRank());
        assertEquals(1.5, m.rankLoadImbalance(), 0.0);
    }
}
