package switchyard.bench.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MedianTest {

    @Test
    void middleValueOfAnOddCountMeanOfTheMiddleTwoOfAnEvenOne() {
        assertEquals(3, Median.of(new double[] {9, 1, 3}));
        assertEquals(2.5, Median.of(new double[] {4, 1, 2, 3}));
        assertEquals(7, Median.of(new double[] {7}));
    }

    @Test
    void leavesItsInputAsItWas() {
        double[] values = {5, 1, 4};
        Median.of(values);
        assertArrayEquals(new double[] {5, 1, 4}, values);
    }

    @Test
    void refusesNoValues() {
        assertThrows(IllegalArgumentException.class, () -> Median.of(new double[0]));
    }
}
