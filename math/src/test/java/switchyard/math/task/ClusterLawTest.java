package switchyard.math.task;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterLawTest {
    /** Zipf's law as written in the issue: P(k) = (1/(k+1)^Z) / Σ_j 1/(j+1)^Z. */
    private static double zipf(int k, int clusters, double z) {
        double total = 0;
        for (int j = 0; j < clusters; j++) total += Math.pow(j + 1, -z);
        return Math.pow(k + 1, -z) / total;
    }

    private static long[] counts(ClusterLaw law, long seed, int draws) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] counts = new long[law.clusters()];
        for (int i = 0; i < draws; i++) counts[law.draw(random)]++;
        return counts;
    }

    @Test
    void withoutSkewItIsTheUniformNextIntCall() {
        ClusterLaw law = new ClusterLaw(7, 0);
        SplittableRandom a = new SplittableRandom(3), b = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) assertEquals(b.nextInt(7), law.draw(a), "draw " + i);
        assertEquals(a.nextLong(), b.nextLong(), "the same random numbers consumed");
        for (int k = 0; k < 7; k++) assertEquals(1.0 / 7, law.probability(k));
    }

    @Test
    void probabilitiesAreZipfsLaw() {
        for (double z : new double[] {0.5, 1.2, 3}) {
            ClusterLaw law = new ClusterLaw(16, z);
            double sum = 0;
            for (int k = 0; k < 16; k++) {
                assertEquals(zipf(k, 16, z), law.probability(k), 1e-12, "Z=" + z + " k=" + k);
                sum += law.probability(k);
            }
            assertEquals(1.0, sum, 1e-12);
        }
    }

    /**
     * Pearson's chi-square over 200,000 draws with a fixed seed: with 15 degrees of freedom it
     * exceeds 37.7 with probability 0.001, so a correct sampler passes and a wrong law (even one
     * off by 2% on the top cluster, about 70 at this size) does not.
     */
    @Test
    void drawsFollowZipfsLaw() {
        int clusters = 16, draws = 200_000;
        for (double z : new double[] {0.7, 1.2, 2}) {
            long[] counts = counts(new ClusterLaw(clusters, z), 12345, draws);
            double chi2 = 0;
            for (int k = 0; k < clusters; k++) {
                double expected = draws * zipf(k, clusters, z);
                chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
            }
            assertTrue(chi2 < 37.7, "Z=" + z + ": chi-square " + chi2 + " over 15 degrees of freedom");
        }
    }

    @Test
    void moreSkewMakesTheFirstClusterMoreFrequent() {
        double[] exponents = {0, 0.5, 1, 1.2, 2, 4};
        long previous = -1;
        for (double z : exponents) {
            long first = counts(new ClusterLaw(8, z), 99, 50_000)[0];
            assertTrue(first > previous, "Z=" + z + ": cluster 0 drawn " + first + " times, not more than " + previous);
            previous = first;
        }
    }

    @Test
    void theSameSeedDrawsTheSameClusters() {
        ClusterLaw law = new ClusterLaw(9, 1.2);
        SplittableRandom a = new SplittableRandom(77), b = new SplittableRandom(77);
        for (int i = 0; i < 10_000; i++) assertEquals(law.draw(a), new ClusterLaw(9, 1.2).draw(b));
    }

    /** A huge exponent leaves clusters with no weight a double can hold: they are never drawn, and nothing falls off the table. */
    @Test
    void clustersTooRareForADoubleAreNeverDrawn() {
        ClusterLaw law = new ClusterLaw(5, 2000);
        assertEquals(1.0, law.probability(0));
        for (int k = 1; k < 5; k++) assertEquals(0.0, law.probability(k));
        assertEquals(10_000, counts(law, 5, 10_000)[0]);
        assertEquals(0, new ClusterLaw(1, 1.5).draw(new SplittableRandom(1)));
    }

    @Test
    void badExponentsAreRefusedNamingTheFlag() {
        for (double z : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new ClusterLaw(4, z));
            assertTrue(e.getMessage().startsWith("--skew ") && e.getMessage().contains(String.valueOf(z)), e.getMessage());
            var spec = assertThrows(IllegalArgumentException.class, () -> new ClusteredRegression.Spec(1, 4, 8, 8, z));
            assertEquals(e.getMessage(), spec.getMessage());
        }
    }
}
