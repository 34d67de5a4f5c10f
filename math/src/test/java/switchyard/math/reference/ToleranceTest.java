package switchyard.math.reference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ToleranceTest {

    private static final Tolerance T = Tolerance.FLOAT32;

    @Test
    void ruleIsAbsolutePlusRelative() {
        assertTrue(T.accepts(100, 100 + 0.0100));
        assertFalse(T.accepts(100, 100 + 0.0102)); // bound 1e-4 + 1e-2
        assertTrue(T.accepts(0, 1e-4));
        assertFalse(T.accepts(0, 1.1e-4));
        assertFalse(T.accepts(1, Double.NaN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void float32RoundingOfEveryCaseIsWithinTolerance(String name, ReferenceCase c) {
        for (RankCase rc : c.ranks()) {
            T.assertClose(name + " rank " + rc.rank() + " output", rc.output(), ReferenceCase.toF32(rc.output()));
            T.assertClose(name + " rank " + rc.rank() + " me", rc.routing().me(), ReferenceCase.toF32(rc.routing().me()));
        }
    }

    @Test
    void failureReportsQuantityIndexValuesAndMaxError() {
        double[][] expected = {{1, 2}, {3, 4}, {5, 6}};
        FMatrixRMaj actual = ReferenceCase.toF32(expected);
        actual.set(1, 0, 3.5f);
        actual.set(2, 1, 9f);
        String msg = assertThrows(AssertionError.class, () -> T.assertClose("case x rank 1 output", expected, actual))
                .getMessage();
        for (String part : new String[] {"case x rank 1 output", "2 of 6", "first at [1][0]", "expected 3.0",
                "actual 3.5", "max abs error 3.0 at [2][1]"}) {
            assertTrue(msg.contains(part), () -> "'" + part + "' missing from: " + msg);
        }
    }

    @Test
    void vectorsScalarsNansAndShapes() {
        String msg = assertThrows(AssertionError.class,
                () -> T.assertClose("b1", new double[] {1, 2}, new FMatrixRMaj(1, 2, true, 1f, Float.NaN))).getMessage();
        assertTrue(msg.contains("first at [1]") && msg.contains("actual NaN") && msg.contains("max abs error NaN"), msg);
        msg = assertThrows(AssertionError.class, () -> T.assertClose("l_aux", 0.5, 0.6)).getMessage();
        assertTrue(msg.contains("l_aux") && msg.contains("(scalar)"), msg);
        msg = assertThrows(AssertionError.class,
                () -> T.assertClose("out", new double[2][3], new FMatrixRMaj(3, 2))).getMessage();
        assertTrue(msg.contains("2×3") && msg.contains("3×2"), msg);
        T.assertClose("column", new double[] {1, 2}, new FMatrixRMaj(2, 1, true, 1f, 2f));
    }

    @Test
    void routingMustMatchExactly() {
        Tolerance.assertExact("slot1", new int[] {0, 1, -1}, new int[] {0, 1, -1});
        String msg = assertThrows(AssertionError.class,
                () -> Tolerance.assertExact("rank 0 slot1", new int[] {0, 1, -1}, new int[] {0, 1, 2})).getMessage();
        assertTrue(msg.contains("rank 0 slot1") && msg.contains("first at [2]") && msg.contains("expected -1"), msg);
    }
}
