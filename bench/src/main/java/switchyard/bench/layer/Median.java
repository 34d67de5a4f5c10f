package switchyard.bench.layer;

import java.util.Arrays;

/** The median every bench figure reports, so that one burst of a shared machine's neighbours does not decide it. */
public final class Median {
    private Median() {}

    /** The median of {@code values} (the mean of the middle two for an even count); {@code values} is left unsorted. */
    public static double of(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("the median of no values");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int half = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
