package switchyard.actors.rank;

import switchyard.actors.exchange.PartGather;
import switchyard.math.dispatch.ExpertRows;

import java.util.List;

/**
 * One expert-side pass of one step, forward or backward, run expert by expert while its rows are
 * still coming in. Parts from a source arrive in row order and a block's rows are grouped by local
 * expert, so local expert {@code l} can run as soon as every source has sent up to the end of its
 * rows: with a chunked exchange the first experts compute while later rows are on the way. Each
 * expert still runs once on all of its rows, stacked in source-rank order, so the results are the
 * same bits whenever the parts arrive.
 */
final class ExpertStream {
    /** What the pass does: begin once every block's row counts are known, then run each expert. */
    interface Work {
        /** Checks the blocks and prepares the pass; throws IllegalArgumentException for bad counts. */
        void start(List<ExpertRows> blocks);

        /** Runs local expert {@code l} on its rows of every block, answering in the same rows. */
        void run(int l, List<ExpertRows> blocks);
    }

    private final PartGather gather;
    private final int experts;
    private List<ExpertRows> blocks;
    private int next;

    ExpertStream(PartGather gather, int experts) {
        this.gather = gather;
        this.experts = experts;
    }

    PartGather gather() { return gather; }

    /** Every source's block, in rank order, as the pass began on them; only once {@link #runReady} has started it. */
    List<ExpertRows> blocks() {
        if (blocks == null) throw new IllegalStateException(gather.phase() + " pass not started");
        return blocks;
    }

    /** Runs, in expert order, every expert whose rows are all in and that has not run yet; true once all have run. */
    boolean runReady(Work work) {
        if (blocks == null) {
            if (!gather.countsFromAll()) return false;
            List<ExpertRows> arriving = gather.arrivingInRankOrder();
            work.start(arriving);
            blocks = arriving;
        }
        while (next < experts && gather.rowsThrough(next)) {
            work.run(next, blocks);
            next++;
        }
        return next == experts;
    }
}
