package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The vector passes must give the scalar reference's bits: the oracle's results may not depend on the JVM flags. */
class ColumnSumsTest {
    /** Widths below, at and past a vector, so the scalar tail runs too. */
    private static final int[] WIDTHS = {1, 7, 16, 33, 100};

    @Test
    void columnSumsMatchTheScalarLoopBitForBit() {
        SplittableRandom random = new SplittableRandom(3);
        for (int cols : WIDTHS) {
            FMatrixRMaj m = random(37, cols, random);
            FMatrixRMaj into = random(1, cols, random);
            float[] expected = into.data.clone();
            ScalarColumnSums.add(m.data, m.numRows, cols, expected);
            ColumnSums.add(m, into);
            assertArrayEquals(expected, into.data, 0f, "cols=" + cols);
        }
    }

    @Test
    void reluMaskZeroesWhereTheActivationIsNotPositiveAndSumsTheRest() {
        SplittableRandom random = new SplittableRandom(4);
        for (int cols : WIDTHS) {
            FMatrixRMaj activation = random(29, cols, random);
            activation.data[0] = 0f;
            activation.data[activation.data.length - 1] = Float.NaN;
            FMatrixRMaj grad = random(29, cols, random);
            FMatrixRMaj into = random(1, cols, random);
            float[] expectedGrad = grad.data.clone();
            float[] expectedSums = into.data.clone();
            ScalarColumnSums.reluMaskAndAdd(activation.data, expectedGrad, 29, cols, expectedSums);
            ColumnSums.reluMaskAndAdd(activation, grad, into);
            assertArrayEquals(expectedGrad, grad.data, 0f, "cols=" + cols);
            assertArrayEquals(expectedSums, into.data, 0f, "cols=" + cols);
        }
    }

    @Test
    void shapesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ColumnSums.add(new FMatrixRMaj(2, 3), new FMatrixRMaj(1, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> ColumnSums.reluMaskAndAdd(new FMatrixRMaj(2, 3), new FMatrixRMaj(3, 3), new FMatrixRMaj(1, 3)));
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return m;
    }
}
