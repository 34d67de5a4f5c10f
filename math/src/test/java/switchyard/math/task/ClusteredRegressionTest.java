package switchyard.math.task;

import org.junit.jupiter.api.Test;

import org.ejml.data.FMatrixRMaj;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusteredRegressionTest {
    @Test
    void inputsAloneAreTheBatchInputsBitForBit() {
        ClusteredRegression task = new ClusteredRegression(new ClusteredRegression.Spec(9, 5, 12, 33));
        for (int rank = 0; rank < 3; rank++) {
            for (long step = 0; step < 3; step++) {
                assertArrayEquals(task.batch(rank, step).input().data, task.inputs(rank, step).data);
            }
        }
        assertEquals(33, task.inputs(0, 0).numRows);
        assertFalse(java.util.Arrays.equals(task.inputs(0, 0).data, task.inputs(1, 0).data), "ranks draw different tokens");
    }

    /** The fast target loop must keep the dot-product definition's rounding: every row bit-equal to x·A_k for one k. */
    @Test
    void targetsAreDotProductsWithOneClusterMapBitForBit() {
        int m = 26, clusters = 3, tokens = 300; // more tokens per cluster than one block of the target product
        ClusteredRegression task = new ClusteredRegression(new ClusteredRegression.Spec(7, clusters, m, tokens));
        ClusteredRegression.Sample batch = task.batch(1, 4);
        for (int s = 0; s < tokens; s++) {
            boolean matched = false;
            for (int k = 0; k < clusters && !matched; k++) {
                FMatrixRMaj a = task.map(k);
                matched = true;
                for (int j = 0; j < m && matched; j++) {
                    float sum = 0f;
                    for (int c = 0; c < m; c++) sum += batch.input().data[s * m + c] * a.data[c * m + j];
                    matched = Float.floatToRawIntBits(sum) == Float.floatToRawIntBits(batch.target().data[s * m + j]);
                }
            }
            assertTrue(matched, "target row " + s + " is not x·A_k (bit for bit) for any cluster k");
        }
    }

    /**
     * Today's cluster draw, copied here as it was before --skew: one nextInt(K) per token, then the
     * token's M Gaussian offsets at two nextDouble() each. Skew 0 must keep drawing exactly this.
     */
    private static int[] uniformClusterIds(ClusteredRegression.Spec spec, int rank, long step) {
        SplittableRandom random = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + rank * 0xC2B2AE3D27D4EB4FL + step);
        int[] cluster = new int[spec.tokens()];
        for (int s = 0; s < spec.tokens(); s++) {
            cluster[s] = random.nextInt(spec.clusters());
            for (int c = 0; c < 2 * spec.modelDim(); c++) random.nextDouble();
        }
        return cluster;
    }

    @Test
    void withoutSkewClustersAreDrawnAsBefore() {
        ClusteredRegression.Spec spec = new ClusteredRegression.Spec(42, 8, 16, 64);
        assertEquals(new ClusteredRegression.Spec(42, 8, 16, 64, 0), spec);
        assertEquals(spec, new ClusteredRegression.Spec(42, 8, 16, 64, -0.0), "-0 is no skew");
        ClusteredRegression task = new ClusteredRegression(spec);
        for (int rank = 0; rank < 3; rank++) {
            for (long step = 0; step < 3; step++) {
                assertArrayEquals(uniformClusterIds(spec, rank, step), task.clusterIds(rank, step), "rank " + rank + " step " + step);
            }
        }
    }

    /** Hashes of whole batches, recorded from the task before --skew existed. */
    @Test
    void withoutSkewBatchesAreBitForBitAsBefore() {
        ClusteredRegression task = new ClusteredRegression(new ClusteredRegression.Spec(42, 8, 16, 64, 0));
        int[][] recorded = {{592724424, -1207856030}, {1306948845, 386961147}, {-690317966, -1769573298}, {-420424761, 474449542}};
        for (int rank = 0; rank < 2; rank++) {
            for (int step = 0; step < 2; step++) {
                ClusteredRegression.Sample b = task.batch(rank, step);
                assertEquals(recorded[2 * rank + step][0], Arrays.hashCode(b.input().data), "inputs of rank " + rank + " step " + step);
                assertEquals(recorded[2 * rank + step][1], Arrays.hashCode(b.target().data), "targets of rank " + rank + " step " + step);
            }
        }
    }

    @Test
    void skewedBatchesFollowTheLawAndStayDeterministic() {
        ClusteredRegression.Spec spec = new ClusteredRegression.Spec(5, 8, 4, 4096, 1.2);
        ClusteredRegression task = new ClusteredRegression(spec);
        ClusterLaw law = new ClusterLaw(8, 1.2);
        long[] counts = new long[8];
        for (int rank = 0; rank < 4; rank++) {
            int[] ids = task.clusterIds(rank, 3);
            assertArrayEquals(ids, new ClusteredRegression(spec).clusterIds(rank, 3), "the same (seed, rank, step), the same clusters");
            for (int k : ids) counts[k]++;
        }
        double chi2 = 0, draws = 4 * 4096;
        for (int k = 0; k < 8; k++) chi2 += Math.pow(counts[k] - draws * law.probability(k), 2) / (draws * law.probability(k));
        assertTrue(chi2 < 24.3, "chi-square " + chi2 + " over 7 degrees of freedom (p = 0.001 at 24.3): " + Arrays.toString(counts));
        // the targets are still each token's own cluster map, and inputs alone are the batch's
        assertArrayEquals(task.batch(2, 1).input().data, task.inputs(2, 1).data);
        assertFalse(Arrays.equals(task.clusterIds(0, 0), new ClusteredRegression(new ClusteredRegression.Spec(5, 8, 4, 4096)).clusterIds(0, 0)));
    }
}
