package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.KernelAgreement.Op;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.TestMatrices;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.precision.Bf16Operands;

/**
 * What the AVX512-BF16 kernel does with single values: rounding to bfloat16 (nearest, ties to
 * even), NaN and infinities, denormals (which VDPBF16PS flushes), the MatMul contract's empty
 * shapes and rejected calls, operands left as they were, and the register-only ceiling loop.
 */
class Avx512Bf16SemanticsTest {

    private MatMul mm;

    @BeforeEach
    void needsAvx512Bf16() {
        assumeTrue(Avx512Bf16MatMul.available(), () -> "AVX512-BF16 kernel not available: " + Avx512Bf16MatMul.unavailableReason());
        mm = Avx512Bf16MatMul.withThreads(2);
    }

    /**
     * An outer product (k = 1) of values that are not bfloat16s, through all four packers: each
     * cell is the product of the two rounded values, exact, so the answers can be written down.
     * 1 + 2⁻⁹ is under half a bfloat16 step (2⁻⁷ at 1) above 1: 1. 1 + 2⁻⁸ is exactly half way
     * between 1 (even) and 1 + 2⁻⁷ (odd): 1. 1 + 3·2⁻⁸ is half way between 1 + 2⁻⁷ (odd) and
     * 1 + 2⁻⁶ (even): 1 + 2⁻⁶, where truncating would give 1 + 2⁻⁷. 3 + 2⁻⁷ + 2⁻⁸ is past half way
     * above 3 (steps of 2⁻⁶ there): 3 + 2⁻⁶.
     */
    @Test
    void operandsAreRoundedToTheNearestBfloat16TiesToEven() {
        float[] x = {1f + 0x1p-9f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 3f + 0x1p-7f + 0x1p-8f};
        float[] roundedX = {1f, 1f, 1f + 0x1p-6f, 3f + 0x1p-6f};
        FMatrixRMaj col = new FMatrixRMaj(4, 1, true, x);
        FMatrixRMaj row = new FMatrixRMaj(1, 4, true, x);
        FMatrixRMaj expected = new FMatrixRMaj(4, 4);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                expected.set(i, j, roundedX[i] * roundedX[j]); // exact: 16 significant bits at most
            }
        }
        FMatrixRMaj c = new FMatrixRMaj(1, 1);
        mm.mul(col, row, c, false);
        assertArrayEquals(expected.data, c.data, "mul");
        mm.mulTransA(row, row, c, false);
        assertArrayEquals(expected.data, c.data, "mulTransA");
        mm.mulTransB(col, col, c, false);
        assertArrayEquals(expected.data, c.data, "mulTransB");
        mm.mulBias(col, row, new FMatrixRMaj(1, 4), false, c);
        assertArrayEquals(expected.data, c.data, "mulBias");
    }

    @Test
    void theBiasAndTheAccumulatedOutputStayFloat32() {
        float notBf16 = 1f + 0x1p-20f;
        FMatrixRMaj one = new FMatrixRMaj(1, 1, true, 1f);
        FMatrixRMaj c = new FMatrixRMaj(1, 1, true, notBf16);
        mm.mul(one, one, c, true);
        assertEquals(1f + notBf16, c.get(0, 0));
        mm.mulBias(one, one, new FMatrixRMaj(1, 1, true, notBf16), true, c);
        assertEquals(1f + notBf16, c.get(0, 0));
    }

    @Test
    void nanAndInfinitiesPropagate() {
        Random rnd = new Random(3);
        FMatrixRMaj a = TestMatrices.random(40, 70, rnd);
        FMatrixRMaj b = TestMatrices.random(70, 50, rnd);
        a.set(3, 5, Float.NaN);
        a.set(7, 9, Float.POSITIVE_INFINITY);
        a.set(11, 0, Float.MAX_VALUE); // rounds up to infinity in bfloat16
        b.set(69, 20, Float.NEGATIVE_INFINITY); // the last, odd, value of k: its own half of the last pair
        FMatrixRMaj c = new FMatrixRMaj(40, 50);
        mm.mul(a, b, c, false);
        for (int j = 0; j < 50; j++) {
            assertTrue(Float.isNaN(c.get(3, j)), "NaN row, column " + j);
            assertFalse(Float.isFinite(c.get(7, j)), "infinite row, column " + j);
            assertFalse(Float.isFinite(c.get(11, j)), "row of a value that overflows bfloat16, column " + j);
            if (j != 20) {
                assertTrue(Float.isFinite(c.get(4, j)), "other cells stay finite");
            }
        }
        for (int i = 0; i < 40; i++) {
            assertFalse(Float.isFinite(c.get(i, 20)), "column of -inf, row " + i);
        }
        FMatrixRMaj relu = new FMatrixRMaj(40, 50);
        mm.mulBias(a, b, new FMatrixRMaj(1, 50), true, relu);
        assertTrue(Float.isNaN(relu.get(3, 0)), "ReLU keeps NaN, like Math.max");
    }

    /**
     * VCVTNE2PS2BF16 and VDPBF16PS ignore MXCSR and run with denormals-are-zero and flush-to-zero:
     * a float32 operand below 2⁻¹²⁶ rounds to zero (even one that Java rounds up to 2⁻¹²⁶, the
     * smallest normal bfloat16), and a sum below 2⁻¹²⁶ becomes zero. Java keeps all of them, so
     * here, and only here, the kernel differs from {@code Bf16Operands}. The start value and the
     * bias are added in ordinary float32 and keep their denormals.
     */
    @Test
    void denormalOperandsAndSumsAreFlushedToZero() {
        FMatrixRMaj c = new FMatrixRMaj(1, 1);
        FMatrixRMaj fallback = new FMatrixRMaj(1, 1);
        MatMul bf16 = new Bf16Operands(VectorMatMul.singleThreaded());
        FMatrixRMaj tiny = new FMatrixRMaj(1, 1, true, 0x1p-70f);
        mm.mul(tiny, tiny, c, false); // 2⁻¹⁴⁰: a denormal product
        bf16.mul(tiny, tiny, fallback, false);
        assertEquals(0f, c.get(0, 0));
        assertEquals(0x1p-140f, fallback.get(0, 0));

        FMatrixRMaj denormal = new FMatrixRMaj(1, 1, true, 0x1p-127f); // a bfloat16 denormal (0x0040)
        FMatrixRMaj big = new FMatrixRMaj(1, 1, true, 0x1p10f);
        mm.mul(denormal, big, c, false); // 2⁻¹¹⁷ if the operand were kept
        bf16.mul(denormal, big, fallback, false);
        assertEquals(0f, c.get(0, 0));
        assertEquals(0x1p-117f, fallback.get(0, 0));

        FMatrixRMaj belowNormal = new FMatrixRMaj(1, 1, true, 0x1.fffffcp-127f); // a float32 denormal
        mm.mul(belowNormal, big, c, false);
        bf16.mul(belowNormal, big, fallback, false);
        assertEquals(0f, c.get(0, 0));
        assertEquals(0x1p-116f, fallback.get(0, 0), "Java rounds it up to 2⁻¹²⁶, a normal bfloat16");

        FMatrixRMaj start = new FMatrixRMaj(1, 1, true, 0x1p-140f);
        mm.mul(tiny, new FMatrixRMaj(1, 1), start, true); // adds an exact 0
        assertEquals(0x1p-140f, start.get(0, 0), "a denormal start value is kept");
        mm.mulBias(tiny, tiny, new FMatrixRMaj(1, 1, true, 0x1p-130f), false, c);
        assertEquals(0x1p-130f, c.get(0, 0), "a denormal bias is kept");
    }

    @Test
    void theCallersOperandsAreUntouched() {
        Random rnd = new Random(12);
        FMatrixRMaj a = TestMatrices.random(80, 80, rnd); // square, so that every op takes them
        FMatrixRMaj b = TestMatrices.random(80, 80, rnd);
        FMatrixRMaj bias = TestMatrices.random(1, 80, rnd);
        float[] a0 = a.data.clone();
        float[] b0 = b.data.clone();
        float[] bias0 = bias.data.clone();
        for (Op op : Op.values()) {
            Avx512Bf16MatMulTest.run(mm, op, a, b, bias, new FMatrixRMaj(80, 80), false);
            Avx512Bf16MatMulTest.run(mm, op, a, a, bias, new FMatrixRMaj(80, 80), true);
        }
        assertArrayEquals(a0, a.data);
        assertArrayEquals(b0, b.data);
        assertArrayEquals(bias0, bias.data);
    }

    @Test
    void shapeMismatchesAreRejectedNamingTheShapes() {
        FMatrixRMaj c = new FMatrixRMaj(3, 2);
        String message = assertThrows(IllegalArgumentException.class,
                () -> mm.mul(new FMatrixRMaj(3, 4), new FMatrixRMaj(5, 2), c, false)).getMessage();
        assertEquals("mul: a is 3x4 but b is 5x2 (inner dimensions differ)", message);
        message = assertThrows(IllegalArgumentException.class,
                () -> mm.mulTransA(new FMatrixRMaj(4, 3), new FMatrixRMaj(5, 2), c, false)).getMessage();
        assertTrue(message.startsWith("mulTransA: a is 4x3 (transposed) but b is 5x2"), message);
        message = assertThrows(IllegalArgumentException.class,
                () -> mm.mulBias(new FMatrixRMaj(3, 4), new FMatrixRMaj(4, 5), new FMatrixRMaj(1, 4), true, c)).getMessage();
        assertEquals("mulBias: bias is 1x4 but b is 4x5 (bias must be 1x5)", message);
    }

    @Test
    void anArrayShorterThanItsShapeIsRefusedBeforeTheNativeCodeReadsIt() {
        FMatrixRMaj c = new FMatrixRMaj(300, 200);
        String message = assertThrows(IllegalArgumentException.class,
                () -> mm.mul(FMatrixRMaj.wrap(300, 400, new float[10]), new FMatrixRMaj(400, 200), c, false)).getMessage();
        assertEquals("mul: a is 300x400 but its array is 10 long", message);
        message = assertThrows(IllegalArgumentException.class,
                () -> mm.mulTransA(new FMatrixRMaj(400, 300), new FMatrixRMaj(400, 200), FMatrixRMaj.wrap(300, 200, new float[7]), true))
                .getMessage();
        assertEquals("mulTransA: c is 300x200 but its array is 7 long", message);
    }

    @Test
    void emptyShapesFollowTheContract() {
        FMatrixRMaj c = new FMatrixRMaj(3, 2);
        c.fill(7f);
        mm.mul(new FMatrixRMaj(3, 0), new FMatrixRMaj(0, 2), c, true);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, c.data, "k = 0, accumulating: c as it was");
        mm.mulTransA(new FMatrixRMaj(0, 3), new FMatrixRMaj(0, 2), c, false);
        assertArrayEquals(new float[6], c.data, "k = 0: zeros");
        mm.mulBias(new FMatrixRMaj(3, 0), new FMatrixRMaj(0, 2), new FMatrixRMaj(1, 2, true, -1f, 2f), true, c);
        assertArrayEquals(new float[] {0, 2, 0, 2, 0, 2}, c.data, "k = 0: ReLU(bias) in every row");
        mm.mul(new FMatrixRMaj(0, 4), new FMatrixRMaj(4, 2), c, false);
        assertEquals(0, c.numRows);
        assertEquals(2, c.numCols);
        mm.mulTransB(new FMatrixRMaj(3, 4), new FMatrixRMaj(0, 4), c, false);
        assertEquals(3, c.numRows);
        assertEquals(0, c.numCols);
    }

    @Test
    void theDotLoopRunsEveryInstruction() {
        assertEquals(48f * 1000, Avx512Bf16MatMul.dotLoop(1000));
        assertEquals(48f * Avx512Bf16MatMul.DOT_LOOP_MAX_ROUNDS, Avx512Bf16MatMul.dotLoop(Avx512Bf16MatMul.DOT_LOOP_MAX_ROUNDS));
        assertThrows(IllegalArgumentException.class, () -> Avx512Bf16MatMul.dotLoop(0));
        assertThrows(IllegalArgumentException.class, () -> Avx512Bf16MatMul.dotLoop(Avx512Bf16MatMul.DOT_LOOP_MAX_ROUNDS + 1));
    }
}
