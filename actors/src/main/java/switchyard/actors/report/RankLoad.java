package switchyard.actors.report;

import switchyard.actors.driver.StepMetrics;

import java.util.List;

/**
 * What {@code rank-load.png} shows, before any pixels: every rank's received expert rows per
 * update (the dispatch matrix's column sums, all micro-batches) over the mean over ranks, so 1 is
 * an even share and the busiest rank's value is the update's {@code rank_load_imbalance}.
 *
 * @param fractions [update][rank] rows received over the mean (1 for every rank of an update with no rows)
 */
record RankLoad(double[][] fractions) {

    static RankLoad of(List<StepMetrics> steps) {
        double[][] out = new double[steps.size()][];
        for (int t = 0; t < out.length; t++) {
            long[] rows = steps.get(t).rowsPerRank();
            long sum = 0;
            for (long r : rows) sum += r;
            out[t] = new double[rows.length];
            for (int r = 0; r < rows.length; r++) out[t][r] = sum == 0 ? 1.0 : rows[r] * (double) rows.length / sum;
        }
        return new RankLoad(out);
    }
}
