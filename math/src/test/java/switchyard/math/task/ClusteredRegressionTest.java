package switchyard.math.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
