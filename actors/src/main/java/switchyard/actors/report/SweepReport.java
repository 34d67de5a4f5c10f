package switchyard.actors.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import switchyard.actors.driver.StepMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The page of a {@code --sweep}: one row per run, the drops of every run in one plot, links to each run's report. */
public final class SweepReport {
    private SweepReport() {}

    public static final Plots.Plot DROPPED = new Plots.Plot("sweep-dropped.png", "Dropped assignments per step, by run", 900, 600);
    public static final Plots.Plot IMBALANCE = new Plots.Plot("sweep-imbalance.png",
            "Load imbalance per step, by run: the most chosen expert over the mean", 900, 600);

    public static final Plots.Plot RANK_IMBALANCE = new Plots.Plot("sweep-rank-imbalance.png",
            "Rank load imbalance per step, by run: the busiest rank's expert rows over the mean", 900, 600);

    public static final Plots.Plot LOSS = new Plots.Plot("sweep-loss.png", "Task loss per step, by run", 900, 600);

    private static final String[] COLUMNS = {"run", "dropped %", "imbalance", "rank imb.", "load mean", "load worst", "bytes/step", "est. comm",
            "est. step", "loss (last)"};

    /**
     * Writes {@code dir/index.html} and the plots; returns the comparison as aligned text.
     *
     * @param swept the swept options, e.g. {@code --aux × --bias-update-rate}
     */
    public static String write(Path dir, String swept, Map<String, RunSummary> summaries, Map<String, List<StepMetrics>> runs)
            throws IOException {
        Plots.write(dir, DROPPED, byRun(DROPPED, "% of (token, expert) assignments", runs, StepMetrics::droppedPercent, SeriesMarkers.CIRCLE));
        Plots.write(dir, IMBALANCE, byRun(IMBALANCE, "max / mean choices per expert (1 = even)", runs, StepMetrics::selectionImbalance,
                SeriesMarkers.NONE));
        Plots.write(dir, RANK_IMBALANCE, byRun(RANK_IMBALANCE, "max / mean expert rows per rank (1 = even)", runs,
                StepMetrics::rankLoadImbalance, SeriesMarkers.NONE));
        XYChart loss = byRun(LOSS, "task loss", runs, StepMetrics::taskLoss, SeriesMarkers.NONE);
        // a loss falling over decades reads best on a log scale, which cannot show a zero (routing-only runs train nothing)
        loss.getStyler().setYAxisLogarithmic(runs.values().stream().flatMap(List::stream).allMatch(m -> m.taskLoss() > 0));
        Plots.write(dir, LOSS, loss);

        int width = Math.max(28, runs.keySet().stream().mapToInt(String::length).max().orElse(0));
        String line = "  %-" + width + "s %10s %10s %10s %10s %10s %12s %12s %12s %12s%n";
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "sweep of %s with the same seed:%n", swept));
        text.append(String.format(Locale.ROOT, line, (Object[]) COLUMNS));
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchyard sweep</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;")
                .append("padding:3px 8px}td{text-align:right}img{max-width:100%}</style></head><body>\n<h1>Sweep of ")
                .append(HtmlIndex.escape(swept)).append("</h1>\n<p>Every run has the same seed, so routes the same tokens unless the sweep varies the data itself (-S, --clusters, --skew); only ")
                .append(HtmlIndex.escape(swept)).append(" differ between them.</p>\n<table><tr>");
        for (String c : COLUMNS) html.append("<th>").append(HtmlIndex.escape(c)).append("</th>");
        html.append("</tr>\n");
        summaries.forEach((run, s) -> {
            String[] cells = {String.format(Locale.ROOT, "%.2f", s.droppedPercent()), String.format(Locale.ROOT, "%.3f", s.lastImbalance()),
                    String.format(Locale.ROOT, "%.3f", s.rankLoadImbalance()), String.format(Locale.ROOT, "%.3f", s.meanLoad()),
                    String.format(Locale.ROOT, "%.3f", s.worstLoad()), Sizes.bytes(s.bytesPerStep()),
                    Sizes.seconds(s.network().mean().communicationSeconds()), Sizes.seconds(s.network().mean().stepSeconds()),
                    String.format(Locale.ROOT, "%.5g", s.lastLoss())};
            text.append(String.format(Locale.ROOT, line, run, cells[0], cells[1], cells[2],
                    cells[3], cells[4], cells[5], cells[6], cells[7], cells[8]));
            html.append("<tr><th><a href=\"").append(HtmlIndex.escape(run)).append("/index.html\">").append(HtmlIndex.escape(run))
                    .append("</a></th>");
            for (String c : cells) html.append("<td>").append(HtmlIndex.escape(c)).append("</td>");
            html.append("</tr>\n");
        });
        html.append("</table>\n");
        for (Plots.Plot p : List.of(LOSS, DROPPED, IMBALANCE, RANK_IMBALANCE)) {
            html.append("<img src=\"").append(p.file()).append("\" width=\"").append(p.width()).append("\" alt=\"")
                    .append(HtmlIndex.escape(p.title())).append("\">\n");
        }
        html.append("</body></html>\n");
        Files.writeString(dir.resolve(ReportWriter.INDEX), html.toString());
        return text.toString();
    }

    /** One line per run, the legend below the plot: run names are long, and inside it would cover the lines. */
    private static XYChart byRun(Plots.Plot plot, String yTitle, Map<String, List<StepMetrics>> runs, ToDoubleFunction<StepMetrics> value,
                                 Marker marker) {
        XYChart chart = Plots.lineChart(plot, yTitle);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        runs.forEach((run, steps) -> chart.addSeries(run, Plots.perStep(steps, m -> m.update() + 1), Plots.perStep(steps, value))
                .setMarker(marker));
        return chart;
    }
}
