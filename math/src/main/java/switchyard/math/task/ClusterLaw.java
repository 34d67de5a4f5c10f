package switchyard.math.task;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which cluster a token of the synthetic task comes from: cluster k of K with probability
 * ∝ 1/(k+1)^Z (Zipf's law with exponent Z). Z = 0 is the uniform draw, and then it is the very
 * call the task always made ({@code nextInt(K)}), so runs without skew keep their digests. With
 * Z > 0 a few clusters dominate, and with them the experts that learn them: load imbalance that is
 * real, for placement studies.
 *
 * <p>Z > 0 inverts a cumulative table with one {@code nextDouble()} per token: exact (no
 * rejection loop, so a token always consumes the same random numbers) and the same on every
 * machine, since the table is built with {@link StrictMath} in a fixed order.
 */
public final class ClusterLaw {
    private final int clusters;
    private final double exponent;
    /** cumulative[k] = P(cluster ≤ k); the last entry is exactly 1. Null for the uniform draw. */
    private final double[] cumulative;

    /**
     * @param clusters K, at least 1
     * @param exponent Z, finite and at least 0
     */
    public ClusterLaw(int clusters, double exponent) {
        if (clusters < 1) throw new IllegalArgumentException("clusters must be >= 1, got " + clusters);
        requireExponent(exponent);
        this.clusters = clusters;
        this.exponent = exponent;
        this.cumulative = exponent == 0 ? null : cumulative(clusters, exponent);
    }

    /** The check of {@code --skew}, where the task's spec is made. */
    static void requireExponent(double exponent) {
        if (!Double.isFinite(exponent) || exponent < 0)
            throw new IllegalArgumentException("--skew (the Zipf exponent of the task's clusters) must be a finite number >= 0, got " + exponent);
    }

    private static double[] cumulative(int clusters, double exponent) {
        double[] weight = new double[clusters];
        double total = 0;
        for (int k = 0; k < clusters; k++) {
            weight[k] = 1 / StrictMath.pow(k + 1, exponent); // 0 for clusters too rare to be a double
            total += weight[k];
        }
        double[] cumulative = new double[clusters];
        double sum = 0;
        for (int k = 0; k < clusters; k++) {
            sum += weight[k];
            cumulative[k] = sum / total;
        }
        // rounding may leave the sum a hair under 1, and a draw above it would fall past the last
        // cluster that can be drawn: from that cluster on the table is exactly 1
        int last = clusters - 1;
        while (weight[last] == 0) last--;
        Arrays.fill(cumulative, last, clusters, 1.0);
        return cumulative;
    }

    public int clusters() { return clusters; }

    public double exponent() { return exponent; }

    /** P(cluster k), as the sampler realises it (differences of its table). */
    public double probability(int k) {
        if (k < 0 || k >= clusters) throw new IndexOutOfBoundsException("cluster " + k + " of " + clusters);
        if (cumulative == null) return 1.0 / clusters;
        return cumulative[k] - (k == 0 ? 0 : cumulative[k - 1]);
    }

    /** One token's cluster: one call on {@code random}, {@code nextInt(K)} if uniform, else {@code nextDouble()}. */
    public int draw(SplittableRandom random) {
        if (cumulative == null) return random.nextInt(clusters);
        double u = random.nextDouble(); // in [0, 1): the first k with u < cumulative[k]
        int i = Arrays.binarySearch(cumulative, u);
        // found exactly: u == cumulative[i] belongs to the next cluster with a non-zero width
        if (i >= 0) {
            while (cumulative[i] <= u) i++;
            return i;
        }
        return -i - 1;
    }
}
