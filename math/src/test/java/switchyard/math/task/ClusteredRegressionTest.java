package switchyard.math.task;

import org.junit.jupiter.api.Test;

import org.ejml.data.FMatrixRMaj;

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
}
