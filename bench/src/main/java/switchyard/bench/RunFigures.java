package switchyard.bench;

import switchyard.bench.layer.Median;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** One figure of several bench runs: its median, and every run's value for the printed list. */
final class RunFigures {
    private RunFigures() {}

    static <T> double median(List<T> runs, ToDoubleFunction<T> figure) {
        return Median.of(runs.stream().mapToDouble(figure).toArray());
    }

    /** Every run's value in {@code format}, as {@code "a / b / c"}. */
    static <T> String joined(List<T> runs, ToDoubleFunction<T> figure, String format) {
        return runs.stream().map(r -> String.format(Locale.ROOT, format, figure.applyAsDouble(r))).collect(Collectors.joining(" / "));
    }
}
