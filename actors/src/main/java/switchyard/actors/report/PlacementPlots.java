package switchyard.actors.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import switchyard.actors.driver.StepMetrics;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The placement pictures of issue 22, drawn only when a run's placement moved experts (see
 * {@link PlacementChange#anyMoved}): a static run's report stays as it was, with no empty images.
 *
 * <p>{@code rank-load.png} is one heatmap, updates × ranks, of each rank's received rows over the
 * mean, with the updates where a new placement took effect marked on the step axis. A bar chart
 * per re-plan (before and after) reads well at W=8 but not with 30 re-plans or 256 ranks; the
 * heatmap shows every update and, above 48 ranks or updates, blocks of them as the other
 * heatmaps do, and a re-plan shows as the column where the hot rows cool down.
 *
 * <p>{@code placement-step-N.png}, one per placement taking effect at step N, at most
 * {@link #MAX_PICTURES} (the first, the final and evenly between): a grid ranks × slots. Up to
 * {@link #MAX_LABELLED_RANKS} ranks and slots it has two panels: each cell coloured and numbered by
 * its logical expert, and below, the same cells numbered with how many slots their expert has (2
 * or more = a replica, in red). Wider than that the numbers do not fit and a mean of expert ids
 * means nothing, so only the slot counts are drawn, in blocks of ranks past 48: where the
 * replicas went.
 */
final class PlacementPlots {
    private PlacementPlots() {}

    static final Plots.Plot RANK_LOAD = new Plots.Plot("rank-load.png",
            "Rows received per rank over the mean (* = a new placement from that step)", 900, 600);
    static final int PLACEMENT_WIDTH = 900, PLACEMENT_HEIGHT = 600;
    static final int MAX_PICTURES = 5;
    static final int MAX_LABELLED_RANKS = 16;

    /** Distinct hues for "colour by expert"; experts past its length reuse them, their labels tell them apart. */
    private static final Color[] EXPERT_COLOURS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    /** Draws the pictures into {@code dir}; returns them in page order, none when nothing moved. */
    static List<Plots.Plot> writeAll(Path dir, List<StepMetrics> steps, List<PlacementChange> changes) throws IOException {
        if (!PlacementChange.anyMoved(changes)) return List.of();
        List<Plots.Plot> out = new ArrayList<>();
        Plots.write(dir, RANK_LOAD, rankLoad(steps, changes));
        out.add(RANK_LOAD);
        for (PlacementChange c : chosen(changes)) {
            Plots.Plot plot = plotOf(c);
            write(dir, plot, PlacementGrid.of(c.placement()));
            out.add(plot);
        }
        return out;
    }

    /** The changes drawn: all up to {@link #MAX_PICTURES}, else the first, the last and evenly spaced between. */
    static List<PlacementChange> chosen(List<PlacementChange> changes) {
        int n = changes.size();
        if (n <= MAX_PICTURES) return changes;
        List<PlacementChange> out = new ArrayList<>();
        for (int i = 0; i < MAX_PICTURES; i++) out.add(changes.get((int) Math.round(i * (n - 1.0) / (MAX_PICTURES - 1))));
        return out;
    }

    static Plots.Plot plotOf(PlacementChange c) {
        int step = c.update() + 1;
        return new Plots.Plot("placement-step-" + step + ".png", "Placement from step " + step
                + (labelled(PlacementGrid.of(c.placement())) ? ": the expert in each slot"
                : ": slots of each slot's expert (1 = no replica)"), PLACEMENT_WIDTH, PLACEMENT_HEIGHT);
    }

    static HeatMapChart rankLoad(List<StepMetrics> steps, List<PlacementChange> changes) {
        Blocks b = Blocks.mean(RankLoad.of(steps).fractions(), Plots.MAX_CELLS, Plots.MAX_CELLS, 1, 0);
        List<String> stepLabels = new ArrayList<>(b.rowLabels());
        for (PlacementChange c : changes) {
            int i = c.update() / b.rowSpan();
            if (c.update() > 0 && !stepLabels.get(i).endsWith("*")) stepLabels.set(i, stepLabels.get(i) + "*");
        }
        HeatMapChart chart = Plots.heatMap(RANK_LOAD.width(), RANK_LOAD.height(), RANK_LOAD.title(), "step", "rank");
        // to the hundredth: xchart writes a cell's value as is, and 1.0589 says no more than 1.06
        double[][] cells = new double[b.cells().length][];
        for (int t = 0; t < cells.length; t++) {
            cells[t] = b.cells()[t].clone();
            for (int r = 0; r < cells[t].length; r++) cells[t][r] = Math.round(cells[t][r] * 100) / 100.0;
        }
        Blocks marked = new Blocks(cells, stepLabels, b.columnLabels(), b.rowSpan(), b.columnSpan());
        marked.addTo(chart, "rows / mean");
        // the range of the data, not 0..max: shares sit near 1, and 0..max would paint them all one red
        chart.getStyler().setMin(Math.floor(Math.min(1, marked.min()) * 10) / 10).setMax(Math.ceil(Math.max(1, marked.max()) * 10) / 10);
        if (labelledCells(b.cells().length, b.columnLabels().size())) chart.getStyler().setShowValue(true);
        return chart;
    }

    /**
     * The picture of one placement: when {@link #labelled}, the expert in each slot (coloured and
     * numbered by expert) above the slot count of that expert, so replicas stand out in the lower
     * panel (xchart writes a cell's number, not a text of ours, so "×n" cannot go in the cell);
     * otherwise the slot counts alone.
     */
    static void write(Path dir, Plots.Plot plot, PlacementGrid grid) throws IOException {
        if (!labelled(grid)) {
            Plots.write(dir, plot, replicas(plot.width(), plot.height(), plot.title(), grid));
            return;
        }
        List<HeatMapChart> panels = List.of(experts(plot.width(), plot.height() / 2, plot.title(), grid),
                replicas(plot.width(), plot.height() / 2, "Slots of that expert (2 or more = replicated)", grid));
        try (OutputStream out = Files.newOutputStream(dir.resolve(plot.file()))) {
            BitmapEncoder.saveBitmap(panels, 2, 1, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static HeatMapChart experts(int width, int height, String title, PlacementGrid grid) {
        HeatMapChart chart = Plots.heatMap(width, height, title, "rank", "slot");
        double[][] cells = new double[grid.ranks()][grid.slotsPerRank()];
        int experts = 0;
        for (int r = 0; r < grid.ranks(); r++)
            for (int s = 0; s < grid.slotsPerRank(); s++) {
                cells[r][s] = grid.experts()[r][s];
                experts = Math.max(experts, grid.experts()[r][s] + 1);
            }
        // one colour stop per expert id, so each id lands on its own hue rather than between two
        Color[] colours = new Color[Math.max(2, experts)];
        for (int e = 0; e < colours.length; e++) colours[e] = EXPERT_COLOURS[e % EXPERT_COLOURS.length];
        chart.getStyler().setRangeColors(colours).setShowValue(true).setDrawBorder(true).setValueFontColor(Color.WHITE)
                .setLegendVisible(false); // a scale of expert ids says nothing: the numbers are in the cells
        Blocks.mean(cells, Plots.MAX_CELLS, Plots.MAX_CELLS, 0, 0).addTo(chart, "expert");
        chart.getStyler().setMin(0).setMax(colours.length - 1);
        return chart;
    }

    /** Slots of each cell's expert, in blocks of ranks past 48 (a mean of counts still says where replicas are). */
    private static HeatMapChart replicas(int width, int height, String title, PlacementGrid grid) {
        HeatMapChart chart = Plots.heatMap(width, height, title, "rank", "slot");
        double[][] cells = new double[grid.ranks()][grid.slotsPerRank()];
        for (int r = 0; r < grid.ranks(); r++)
            for (int s = 0; s < grid.slotsPerRank(); s++) cells[r][s] = grid.replicas()[r][s];
        Blocks b = Blocks.mean(cells, Plots.MAX_CELLS, Plots.MAX_CELLS, 0, 0);
        b.addTo(chart, "slots of the expert");
        chart.getStyler().setMin(1).setMax(Math.max(2, b.max())).setShowValue(labelled(grid)).setDrawBorder(labelled(grid));
        return chart;
    }

    /** Whether each cell can carry its expert's label legibly. */
    static boolean labelled(PlacementGrid grid) {
        return labelledCells(grid.ranks(), grid.slotsPerRank());
    }

    private static boolean labelledCells(int columns, int rows) {
        return columns <= MAX_LABELLED_RANKS && rows <= MAX_LABELLED_RANKS;
    }
}
