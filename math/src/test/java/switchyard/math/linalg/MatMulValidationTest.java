package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both implementations reject bad operands the same way, naming the shapes involved. */
class MatMulValidationTest {

    static Stream<MatMul> implementations() {
        return Stream.of(new EjmlMatMul(), VectorMatMul.singleThreaded(), VectorMatMul.withThreads(2));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void mulNamesBothShapesWhenInnerDimensionsDiffer(MatMul mm) {
        String message = rejected(() -> mm.mul(new FMatrixRMaj(3, 4), new FMatrixRMaj(5, 2), new FMatrixRMaj(3, 2), false));
        assertEquals("mul: a is 3x4 but b is 5x2 (inner dimensions differ)", message);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void transposedProductsSayWhichOperandIsTransposed(MatMul mm) {
        String transA = rejected(() -> mm.mulTransA(new FMatrixRMaj(4, 3), new FMatrixRMaj(5, 2), new FMatrixRMaj(3, 2), false));
        assertTrue(transA.startsWith("mulTransA: a is 4x3 (transposed) but b is 5x2"), transA);
        String transB = rejected(() -> mm.mulTransB(new FMatrixRMaj(3, 4), new FMatrixRMaj(2, 5), new FMatrixRMaj(3, 2), false));
        assertTrue(transB.startsWith("mulTransB: a is 3x4 but b is 2x5 (transposed)"), transB);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void accumulatingNeedsCInTheResultShape(MatMul mm) {
        FMatrixRMaj c = new FMatrixRMaj(3, 3);
        c.fill(7f);
        String message = rejected(() -> mm.mul(new FMatrixRMaj(3, 4), new FMatrixRMaj(4, 2), c, true));
        assertTrue(message.contains("c of 3x3") && message.contains("3x4") && message.contains("4x2")
                && message.contains("expected c of 3x2"), message);
        assertEquals(3, c.numCols, "a rejected call must not reshape c");
        assertEquals(7f, c.get(2, 2));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void outputMustNotAliasAnOperand(MatMul mm) {
        FMatrixRMaj square = new FMatrixRMaj(4, 4);
        FMatrixRMaj other = new FMatrixRMaj(4, 4);
        assertTrue(rejected(() -> mm.mul(square, other, square, false)).contains("alias"));
        assertTrue(rejected(() -> mm.mulTransA(other, square, square, true)).contains("alias"));
        FMatrixRMaj sharedData = FMatrixRMaj.wrap(4, 4, other.data);
        assertTrue(rejected(() -> mm.mulTransB(square, other, sharedData, false)).contains("alias"));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void biasMustBeARowAsWideAsB(MatMul mm) {
        FMatrixRMaj a = new FMatrixRMaj(3, 4);
        FMatrixRMaj b = new FMatrixRMaj(4, 5);
        FMatrixRMaj c = new FMatrixRMaj(2, 2);
        float[] before = c.data.clone();
        String message = rejected(() -> mm.mulBias(a, b, new FMatrixRMaj(1, 4), true, c));
        assertEquals("mulBias: bias is 1x4 but b is 4x5 (bias must be 1x5)", message);
        assertTrue(rejected(() -> mm.mulBias(a, b, new FMatrixRMaj(5, 1), false, c)).contains("bias is 5x1"));
        assertTrue(rejected(() -> mm.mulBias(a, b, null, false, c)).contains("bias"));
        assertEquals(2, c.numRows, "a rejected call must not reshape c");
        assertArrayEquals(before, c.data);
        FMatrixRMaj bias = new FMatrixRMaj(1, 5);
        assertTrue(rejected(() -> mm.mulBias(new FMatrixRMaj(1, 4), b, bias, false, bias)).contains("alias"));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void anOperandWhoseArrayIsShorterThanItsShapeIsRejectedBeforeAnythingIsWritten(MatMul mm) {
        FMatrixRMaj b = new FMatrixRMaj(4, 5);
        FMatrixRMaj c = new FMatrixRMaj(3, 5);
        c.fill(7f);
        float[] before = c.data.clone();
        assertEquals("mul: a is 3x4 but its array is 10 long",
                rejected(() -> mm.mul(FMatrixRMaj.wrap(3, 4, new float[10]), b, c, false)));
        assertEquals("mulTransB: b is 5x4 but its array is 19 long",
                rejected(() -> mm.mulTransB(new FMatrixRMaj(3, 4), FMatrixRMaj.wrap(5, 4, new float[19]), c, true)));
        FMatrixRMaj shortC = FMatrixRMaj.wrap(3, 5, new float[14]);
        assertEquals("mulTransA: c is 3x5 but its array is 14 long",
                rejected(() -> mm.mulTransA(new FMatrixRMaj(4, 3), b, shortC, true)));
        assertEquals("mulBias: bias is 1x5 but its array is 4 long",
                rejected(() -> mm.mulBias(new FMatrixRMaj(3, 4), b, FMatrixRMaj.wrap(1, 5, new float[4]), true, c)));
        assertArrayEquals(before, c.data, "a rejected call must not write into c");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void nullOperandsAreRejectedWithAMessage(MatMul mm) {
        assertTrue(rejected(() -> mm.mul(null, new FMatrixRMaj(1, 1), new FMatrixRMaj(1, 1), false)).contains("null"));
        assertTrue(rejected(() -> mm.mulTransB(new FMatrixRMaj(1, 1), new FMatrixRMaj(1, 1), null, false)).contains("null"));
    }

    private static String rejected(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }
}
