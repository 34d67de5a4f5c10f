package switchyard.actors.rank;

import switchyard.actors.exchange.PartGather;
import switchyard.math.dispatch.ExpertRows;

import java.util.List;

/**
 * One expert-side pass of one step, forward or backward, run while its rows are still coming in.
 * Parts from a source arrive in row order and a block's rows are grouped by local expert, so local
 * expert {@code l} can run as soon as every source has sent up to the end of its rows: with a
 * chunked exchange the first experts compute while later rows are on the way, and the experts
 * whose rows are in together run together. Each expert still runs once on all of its rows, stacked
 * in source-rank order, so the results are the same bits whenever the parts arrive.
 */
final class ExpertStream {
    /** What the pass does: begin once every block's row counts are known, then run each expert. */
    interface Work {
        /** Checks the blocks and prepares the pass; throws IllegalArgumentException for bad counts. */
        void start(List<ExpertRows> blocks);

        /**
         * Runs local experts {@code from … to−1} on their rows of every block, answering in the same
         * rows: all of their rows are in, so they may run side by side (see
         * {@code ExpertShard.forwardExperts}).
         */
        void run(int from, int to, List<ExpertRows> blocks);
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

    /** Runs every expert whose rows are all in and that has not run yet, in one {@link Work#run}; true once all have run. */
    boolean runReady(Work work) {
        if (blocks == null) {
            if (!gather.countsFromAll()) return false;
            List<ExpertRows> arriving = gather.arrivingInRankOrder();
            work.start(arriving);
            blocks = arriving;
        }
        // Every expert ready now runs in one call: small experts run better side by side than one by one.
        int ready = next;
        while (ready < experts && gather.rowsThrough(ready)) ready++;
        if (ready > next) {
            work.run(next, ready, blocks);
            next = ready;
        }
        return next == experts;
    }
}
