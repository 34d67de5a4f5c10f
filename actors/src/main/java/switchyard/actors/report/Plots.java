package switchyard.actors.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The report's pictures, as PNG. Heatmaps with more rows or columns than fit legibly are shown in
 * blocks (mean of each block, the axis names the range), so W=256 ranks or E=2048 experts still
 * draw in a second and read at a glance.
 */
public final class Plots {
    private Plots() {}

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** A plot's file and pixel size. */
    public record Plot(String file, String title, int width, int height) {}

    public static final Plot EXPERT_LOAD = new Plot("expert-load.png", "Expert load (fraction of capacity)", 900, 600);
    public static final Plot DROPPED = new Plot("dropped.png", "Dropped tokens per step", 900, 450);
    public static final Plot LOSS = new Plot("loss.png", "Loss and l_aux", 900, 450);
    /** Four heatmaps, one per exchange, in a 2×2 grid. */
    public static final Plot TRAFFIC = new Plot("traffic.png", "Traffic matrix per exchange (KiB per step)", 1000, 900);
    public static final Plot PHASES = new Plot("phases.png", "Time per phase per rank", 900, 500);
    public static final Plot BALANCE = new Plot("balance.png", "Load balance: the most chosen expert over the mean", 900, 450);
    public static final Plot SELECTION_BIAS = new Plot("selection-bias.png", "Selection bias per expert", 900, 600);

    public static final List<Plot> ALL = List.of(EXPERT_LOAD, DROPPED, LOSS, BALANCE, TRAFFIC, PHASES, SELECTION_BIAS);

    /** Most cells per heatmap axis; beyond it cells are averaged in blocks. */
    static final int MAX_CELLS = 48;

    static final Color[] HEAT = {new Color(250, 250, 245), new Color(254, 224, 144), new Color(253, 141, 60),
            new Color(215, 48, 39), new Color(103, 0, 13)};

    /** The plots that say something about {@code steps}: the selection bias's only when the run had one. */
    public static List<Plot> of(List<StepMetrics> steps) {
        boolean bias = steps.get(0).balance().selectionBias().length > 0;
        return ALL.stream().filter(p -> p != SELECTION_BIAS || bias).toList();
    }

    /** Writes {@link #of}'s plots into {@code dir}. */
    public static void writeAll(Path dir, List<StepMetrics> steps) throws IOException {
        write(dir, EXPERT_LOAD, expertLoad(steps));
        write(dir, DROPPED, dropped(steps));
        write(dir, LOSS, loss(steps));
        write(dir, BALANCE, balance(steps));
        if (of(steps).contains(SELECTION_BIAS)) write(dir, SELECTION_BIAS, selectionBias(steps));
        List<HeatMapChart> traffic = new ArrayList<>();
        for (Exchange x : Exchange.values()) traffic.add(traffic(steps, x));
        try (OutputStream out = Files.newOutputStream(dir.resolve(TRAFFIC.file()))) {
            BitmapEncoder.saveBitmap(traffic, 2, 2, out, BitmapEncoder.BitmapFormat.PNG);
        }
        write(dir, PHASES, phases(steps));
    }

    static void write(Path dir, Plot plot, Chart<?, ?> chart) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(plot.file()))) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    static HeatMapChart expertLoad(List<StepMetrics> steps) {
        double[][] load = new double[steps.size()][];
        double max = 1;
        for (int t = 0; t < load.length; t++) {
            load[t] = steps.get(t).expertLoad();
            for (double l : load[t]) max = Math.max(max, l);
        }
        HeatMapChart chart = heatMap(EXPERT_LOAD.width(), EXPERT_LOAD.height(), EXPERT_LOAD.title(), "step", "expert");
        Blocks.mean(load, MAX_CELLS, MAX_CELLS, 1, 0).addTo(chart, "load");
        chart.getStyler().setMin(0).setMax(max);
        return chart;
    }

    static XYChart dropped(List<StepMetrics> steps) {
        XYChart chart = lineChart(DROPPED, "% of all");
        double[] x = perStep(steps, m -> m.update() + 1);
        chart.addSeries("dropped (token, expert) assignments", x, perStep(steps, StepMetrics::droppedPercent))
                .setMarker(SeriesMarkers.NONE);
        chart.addSeries("tokens with no expert at all", x, perStep(steps, m -> m.tokens() == 0 ? 0 : 100.0 * m.droppedTokens() / m.tokens()))
                .setMarker(SeriesMarkers.NONE);
        return chart;
    }

    static XYChart loss(List<StepMetrics> steps) {
        XYChart chart = lineChart(LOSS, "loss");
        double[] x = perStep(steps, m -> m.update() + 1);
        chart.addSeries("loss", x, perStep(steps, StepMetrics::loss)).setMarker(SeriesMarkers.NONE);
        chart.addSeries("l_aux (right axis)", x, perStep(steps, StepMetrics::lAux)).setMarker(SeriesMarkers.NONE).setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "l_aux");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        return chart;
    }

    /**
     * The most chosen expert's selections over the mean, before capacity (what a selection bias or a
     * balance loss works on), and the fullest expert's kept load over the mean, after it.
     */
    static XYChart balance(List<StepMetrics> steps) {
        XYChart chart = lineChart(BALANCE, "max / mean (1 = even)");
        double[] x = perStep(steps, m -> m.update() + 1);
        chart.addSeries("choices per expert, before capacity", x, perStep(steps, StepMetrics::selectionImbalance))
                .setMarker(SeriesMarkers.NONE);
        chart.addSeries("kept tokens per expert", x, perStep(steps, m -> m.meanLoad() == 0 ? 0 : m.maxLoad() / m.meanLoad()))
                .setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /** Each expert's selection bias over the steps (steps × experts). */
    static HeatMapChart selectionBias(List<StepMetrics> steps) {
        double[][] bias = new double[steps.size()][];
        double min = 0, max = 0;
        for (int t = 0; t < bias.length; t++) {
            bias[t] = steps.get(t).balance().selectionBias();
            for (double b : bias[t]) {
                min = Math.min(min, b);
                max = Math.max(max, b);
            }
        }
        HeatMapChart chart = heatMap(SELECTION_BIAS.width(), SELECTION_BIAS.height(), SELECTION_BIAS.title(), "step", "expert");
        Blocks.mean(bias, MAX_CELLS, MAX_CELLS, 1, 0).addTo(chart, "bias");
        chart.getStyler().setMin(min).setMax(max > min ? max : min + 1e-9);
        return chart;
    }

    /** One value per update, for a line chart. */
    static double[] perStep(List<StepMetrics> steps, ToDoubleFunction<StepMetrics> value) {
        double[] out = new double[steps.size()];
        for (int t = 0; t < out.length; t++) out[t] = value.applyAsDouble(steps.get(t));
        return out;
    }

    static HeatMapChart traffic(List<StepMetrics> steps, Exchange x) {
        int w = steps.get(0).worldSize();
        double[][] bytes = new double[w][w];
        for (StepMetrics m : steps)
            for (int src = 0; src < w; src++)
                for (int dst = 0; dst < w; dst++) bytes[src][dst] += m.bytes()[x.ordinal()][src][dst] / 1024.0 / steps.size();
        HeatMapChart chart = heatMap(TRAFFIC.width() / 2, TRAFFIC.height() / 2, x.label() + " (KiB per step)",
                "destination rank", "source rank");
        Blocks blocks = Blocks.mean(bytes, MAX_CELLS, MAX_CELLS, 0, 0).transposed();
        blocks.addTo(chart, x.label());
        // the legend prints the range as is: round it outwards to one decimal
        chart.getStyler().setMin(Math.floor(blocks.min() * 10) / 10).setMax(Math.ceil(blocks.max() * 10) / 10);
        return chart;
    }

    static CategoryChart phases(List<StepMetrics> steps) {
        int w = steps.get(0).worldSize();
        CategoryChart chart = new CategoryChartBuilder().width(PHASES.width()).height(PHASES.height()).title(PHASES.title())
                .xAxisTitle("rank").yAxisTitle("ms per step (mean)").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Phase p : Phase.values()) {
            double[][] perRank = new double[1][w];
            boolean any = false;
            for (StepMetrics m : steps) {
                for (int r = 0; r < w; r++) {
                    perRank[0][r] += m.phaseNanos()[r][p.ordinal()] / 1e6 / steps.size();
                    any |= m.phaseNanos()[r][p.ordinal()] > 0;
                }
            }
            if (!any) continue;
            Blocks blocks = Blocks.mean(perRank, 1, MAX_CELLS, 0, 0);
            chart.setXAxisTitle("rank" + Blocks.blocksOf(blocks.columnSpan()));
            chart.addSeries(MetricsLog.key(p), blocks.columnLabels(), blocks.row(0));
        }
        if (chart.getSeriesMap().isEmpty()) chart.addSeries("no time measured", List.of("0"), List.of(0));
        return chart;
    }

    static HeatMapChart heatMap(int width, int height, String title, String xTitle, String yTitle) {
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setRangeColors(HEAT).setShowValue(false).setDrawBorder(false);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setHeatMapDecimalValueFormatter(v -> String.format(java.util.Locale.ROOT, "%.3g", v));
        return chart;
    }

    static XYChart lineChart(Plot plot, String yTitle) {
        XYChart chart = new XYChartBuilder().width(plot.width()).height(plot.height()).title(plot.title()).xAxisTitle("step")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }
}
