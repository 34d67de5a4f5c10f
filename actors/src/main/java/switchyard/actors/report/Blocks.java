package switchyard.actors.report;

import org.knowm.xchart.HeatMapChart;

import java.util.ArrayList;
import java.util.List;

/**
 * A matrix reduced to at most a given number of rows and columns by averaging blocks of cells, with
 * a label per block (its first index): what a heatmap of 256 ranks or 2048 experts can show legibly.
 *
 * @param cells        [rows][cols] block means
 * @param rowLabels    one per block row
 * @param columnLabels one per block column
 * @param rowSpan      rows of the matrix per block row
 * @param columnSpan   columns of the matrix per block column
 */
record Blocks(double[][] cells, List<String> rowLabels, List<String> columnLabels, int rowSpan, int columnSpan) {

    /** Blocks of {@code m} ({@code m[row][col]}); labels count from {@code rowBase} and {@code colBase}. */
    static Blocks mean(double[][] m, int maxRows, int maxCols, int rowBase, int colBase) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0].length;
        int rowSpan = span(rows, maxRows);
        int colSpan = span(cols, maxCols);
        double[][] cells = new double[(rows + rowSpan - 1) / rowSpan][(cols + colSpan - 1) / colSpan];
        int[][] count = new int[cells.length][cells.length == 0 ? 0 : cells[0].length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                cells[r / rowSpan][c / colSpan] += m[r][c];
                count[r / rowSpan][c / colSpan]++;
            }
        }
        for (int i = 0; i < cells.length; i++) for (int j = 0; j < cells[i].length; j++) cells[i][j] /= count[i][j];
        return new Blocks(cells, labels(rows, rowSpan, rowBase), labels(cols, colSpan, colBase), rowSpan, colSpan);
    }

    private static int span(int n, int max) {
        return Math.max(1, (n + max - 1) / max);
    }

    private static List<String> labels(int n, int span, int base) {
        List<String> labels = new ArrayList<>();
        for (int first = 0; first < n; first += span) labels.add(String.valueOf(first + base));
        return labels;
    }

    Blocks transposed() {
        int rows = cells.length;
        int cols = rows == 0 ? 0 : cells[0].length;
        double[][] t = new double[cols][rows];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j][i] = cells[i][j];
        return new Blocks(t, columnLabels, rowLabels, columnSpan, rowSpan);
    }

    double min() {
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : cells) for (double v : row) min = Math.min(min, v);
        return min;
    }

    double max() {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : cells) for (double v : row) max = Math.max(max, v);
        return max;
    }

    List<Double> row(int i) {
        List<Double> out = new ArrayList<>();
        for (double v : cells[i]) out.add(v);
        return out;
    }

    /** " (blocks of n)" when cells were merged, for an axis title. */
    static String blocksOf(int span) {
        return span == 1 ? "" : " (mean of blocks of " + span + ")";
    }

    /** Rows become the x axis, columns the y axis; axis titles say how many were merged. */
    void addTo(HeatMapChart chart, String name) {
        chart.setXAxisTitle(chart.getXAxisTitle() + blocksOf(rowSpan));
        chart.setYAxisTitle(chart.getYAxisTitle() + blocksOf(columnSpan));
        List<Number[]> heat = new ArrayList<>();
        for (int x = 0; x < cells.length; x++) for (int y = 0; y < cells[x].length; y++) heat.add(new Number[] {x, y, cells[x][y]});
        chart.addSeries(name, rowLabels, columnLabels, heat);
    }
}
