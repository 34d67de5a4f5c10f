package switchyard.math.tensor;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChecksTest {

    @Test
    void finiteNamesTheFirstNonFiniteEntryByRowAndColumn() {
        FMatrixRMaj m = new FMatrixRMaj(7, 9); // 63 entries: vector lanes and a scalar tail
        for (int i = 0; i < m.data.length; i++) m.data[i] = i - 30.5f;
        assertDoesNotThrow(() -> Checks.finite("gate input", m));
        m.set(6, 8, Float.NEGATIVE_INFINITY); // the very last entry, in the tail
        m.set(4, 2, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checks.finite("gate input", m));
        assertEquals("gate input has a non-finite value NaN at row 4, column 2 (shape 7x9)", e.getMessage());
        m.set(4, 2, 1f);
        e = assertThrows(IllegalArgumentException.class, () -> Checks.finite("gate input", m));
        assertEquals("gate input has a non-finite value -Infinity at row 6, column 8 (shape 7x9)", e.getMessage());
    }
}
