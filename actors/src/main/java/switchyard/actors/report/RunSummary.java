package switchyard.actors.report;

import switchyard.actors.driver.StepMetrics;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * What a run comes to, over all its updates: the figures of the closing table, of
 * {@code summary.json} and of {@code index.html}, computed in this one place.
 *
 * @param firstLoss         loss of the first update
 * @param lastLoss          loss of the last update
 * @param meanLoad          mean over updates of the mean expert load (fraction of capacity)
 * @param worstLoad         the fullest expert in any update (fraction of capacity)
 * @param droppedPercent    dropped (token, choice) assignments, % of all, over the whole run
 * @param bytesPerStep      bytes sent rank→rank (all four exchanges) per update
 * @param phaseMillis       per {@link Phase}: mean per rank per update, ms
 * @param wallSecondsPerStep measured wall time per update
 * @param tokensPerSecond   tokens processed per second of measured wall time
 * @param network           the network model's means per update
 * @param firstImbalance    the most chosen expert over the mean in the first update (1 = even)
 * @param lastImbalance     the same in the last update
 * @param rankLoadImbalance mean over updates of the busiest rank's expert rows over the mean (1 = even)
 */
public record RunSummary(int steps, double firstLoss, double lastLoss, double meanLoad, double worstLoad,
                         double droppedPercent, double bytesPerStep, double[] phaseMillis, double wallSecondsPerStep,
                         double tokensPerSecond, NetworkMeans network, double firstImbalance, double lastImbalance,
                         double rankLoadImbalance) {

    /** @param mean the network model's estimate, each figure averaged over the updates */
    public record NetworkMeans(String model, NetworkModel.Estimate mean) {}

    public static RunSummary of(List<StepMetrics> steps, NetworkModel net) {
        if (steps.isEmpty()) throw new IllegalArgumentException("a run with no completed step has no summary");
        int n = steps.size();
        double meanLoad = 0, worst = 0, bytes = 0, wall = 0, tokens = 0, compute = 0, stepTime = 0, rankImbalance = 0;
        long kept = 0, dropped = 0;
        double[] exchange = new double[Exchange.values().length];
        for (StepMetrics m : steps) {
            meanLoad += m.meanLoad() / n;
            rankImbalance += m.rankLoadImbalance() / n;
            worst = Math.max(worst, m.maxLoad());
            kept += m.keptAssignments();
            dropped += m.droppedAssignments();
            bytes += (double) m.totalBytes() / n;
            wall += m.wallNanos() / 1e9;
            tokens += m.tokens();
            NetworkModel.Estimate e = net.estimate(m);
            compute += e.computeSeconds() / n;
            stepTime += e.stepSeconds() / n;
            for (int x = 0; x < exchange.length; x++) exchange[x] += e.exchangeSeconds()[x] / n;
        }
        double droppedPercent = kept + dropped == 0 ? 0 : 100.0 * dropped / (kept + dropped);
        return new RunSummary(n, steps.get(0).loss(), steps.get(n - 1).loss(), meanLoad, worst, droppedPercent, bytes,
                PhaseTimes.of(steps).millis(), wall / n, wall > 0 ? tokens / wall : 0,
                new NetworkMeans(net.toString(), new NetworkModel.Estimate(compute, exchange, stepTime)),
                steps.get(0).selectionImbalance(), steps.get(n - 1).selectionImbalance(), rankImbalance);
    }

    /** The figures as (name, value) rows: the closing table of {@code simulate} and {@code report}, and index.html's. */
    public List<Map.Entry<String, String>> rows() {
        List<Map.Entry<String, String>> t = new ArrayList<>();
        t.add(Map.entry("updates", String.valueOf(steps)));
        t.add(Map.entry("loss", fmt("%.5g -> %.5g", firstLoss, lastLoss)));
        t.add(Map.entry("load imbalance", fmt("%.3g -> %.3g (most chosen expert / mean)", firstImbalance, lastImbalance)));
        t.add(Map.entry("rank load", fmt("imbalance %.3f (busiest rank's expert rows / mean, mean over updates)", rankLoadImbalance)));
        t.add(Map.entry("expert load", fmt("mean %.3f, worst %.3f of capacity", meanLoad, worstLoad)));
        t.add(Map.entry("dropped", fmt("%.2f %% of (token, expert) assignments", droppedPercent)));
        t.add(Map.entry("bytes per step", Sizes.bytes(bytesPerStep) + " (all four exchanges)"));
        t.add(Map.entry("time per step", fmt("%.3f s measured, %.0f tokens/s", wallSecondsPerStep, tokensPerSecond)));
        t.add(Map.entry("time per phase", new PhaseTimes(phaseMillis).line() + " ms (mean per rank per step)"));
        t.add(Map.entry("network", network.model()));
        StringBuilder exchanges = new StringBuilder();
        NetworkModel.Estimate mean = network.mean();
        for (Exchange x : Exchange.values())
            exchanges.append(exchanges.length() > 0 ? ", " : "").append(x.label()).append(' ').append(Sizes.seconds(mean.exchangeSeconds()[x.ordinal()]));
        t.add(Map.entry("all-to-all (est.)", exchanges.toString()));
        t.add(Map.entry("step (est.)", "compute " + Sizes.seconds(mean.computeSeconds()) + " + communication "
                + Sizes.seconds(mean.communicationSeconds()) + " -> " + Sizes.seconds(mean.stepSeconds())));
        return t;
    }

    /** {@link #rows()} as aligned text. */
    public String table() {
        StringBuilder t = new StringBuilder();
        for (Map.Entry<String, String> row : rows()) t.append(fmt("  %-18s %s%n", row.getKey(), row.getValue()));
        return t.toString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
