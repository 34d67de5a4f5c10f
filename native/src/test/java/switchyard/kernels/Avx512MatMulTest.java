package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.BitIdentity;
import switchyard.math.linalg.KernelAgreement;
import switchyard.math.linalg.KernelAgreement.Op;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.TestMatrices;
import switchyard.math.linalg.VectorMatMul;

/**
 * The AVX-512 float32 kernel: within float32's summation error of EJML on every op and awkward
 * shape, and bit for bit math's vector kernel (so a run's digest does not depend on which of the
 * two a CPU picks), on random operands of shapes that straddle both kernels' blocking and on the
 * values where float32 arithmetic is delicate: NaN, infinities, signed zeros, denormals. Skipped
 * where the kernel cannot run; {@link Avx512KernelProviderTest} fails if that happens on a CPU
 * with AVX-512.
 */
class Avx512MatMulTest {

    private static final MatMul VECTOR = VectorMatMul.singleThreaded();

    private MatMul one;
    private MatMul two;

    @BeforeEach
    void needsAvx512() {
        assumeTrue(Avx512MatMul.available(), () -> "AVX-512 kernel not available: " + Avx512MatMul.unavailableReason());
        one = Avx512MatMul.withThreads(1);
        two = Avx512MatMul.withThreads(2);
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} accumulate={4}")
    @MethodSource("switchyard.math.linalg.KernelAgreement#cases")
    void agreesWithEjml(Op op, int m, int k, int n, boolean accumulate) {
        KernelAgreement.assertMatchesEjml(List.of(one, two), KernelAgreement.FLOAT32_TERM_ERROR, op, m, k, n, accumulate);
    }

    @Test
    void givesTheVectorKernelsBitsOnEveryOpAndThreadCount() {
        int[][] shapes = {
                {1, 1, 1}, {5, 3, 17}, {6, 256, 64}, {7, 257, 65}, {13, 513, 130}, {64, 255, 96}, {100, 1000, 33},
                {333, 517, 129}, {24, 700, 300}, {97, 1500, 1100}, {1000, 300, 9}, {2000, 64, 1024}, {9, 20000, 200},
        };
        BitIdentity.assertBitIdentical(VECTOR, List.of(one, two, Avx512MatMul.withThreads(3)), shapes, 2031);
    }

    /**
     * Operands sprinkled with NaN, ±∞, ±0 and denormals (and products that underflow into
     * denormals): every op, the epilogue's ReLU of NaN and −0 included, gives the vector kernel's
     * bits, NaN payloads aside (Java's arrays compare NaN as NaN).
     */
    @Test
    void delicateValuesGiveTheVectorKernelsBits() {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
                Float.MIN_VALUE, -Float.MIN_VALUE, 0x1p-130f, Float.MIN_NORMAL, 0x1p-70f, -0x1p-70f, 1e30f};
        Random rnd = new Random(7);
        int m = 37;
        int k = 300;
        int n = 70;
        FMatrixRMaj a = sprinkled(TestMatrices.random(m, k, rnd), special, rnd);
        FMatrixRMaj aT = sprinkled(TestMatrices.random(k, m, rnd), special, rnd);
        FMatrixRMaj b = sprinkled(TestMatrices.random(k, n, rnd), special, rnd);
        FMatrixRMaj bT = sprinkled(TestMatrices.random(n, k, rnd), special, rnd);
        FMatrixRMaj bias = sprinkled(TestMatrices.random(1, n, rnd), special, rnd);
        FMatrixRMaj start = sprinkled(TestMatrices.random(m, n, rnd), special, rnd);
        for (MatMul mm : List.of(one, two)) {
            for (boolean accumulate : new boolean[] {false, true}) {
                String what = mm.name() + (accumulate ? " +=" : "");
                BitIdentity.assertSame(c -> VECTOR.mul(a, b, c, accumulate), c -> mm.mul(a, b, c, accumulate), start, "mul " + what);
                BitIdentity.assertSame(c -> VECTOR.mulTransA(aT, b, c, accumulate), c -> mm.mulTransA(aT, b, c, accumulate), start, "mulTransA " + what);
                BitIdentity.assertSame(c -> VECTOR.mulTransB(a, bT, c, accumulate), c -> mm.mulTransB(a, bT, c, accumulate), start, "mulTransB " + what);
                boolean relu = accumulate;
                BitIdentity.assertSame(c -> VECTOR.mulBias(a, b, bias, relu, c), c -> mm.mulBias(a, b, bias, relu, c), start, "mulBias relu=" + relu + " " + mm.name());
            }
        }
    }

    /** Shapes with a zero dimension, as the MatMul contract has them, and operands left as they were. */
    @Test
    void emptyShapesAndTheCallersOperandsAreTheVectorKernels() {
        FMatrixRMaj bias = new FMatrixRMaj(1, 2, true, -1f, 2f);
        FMatrixRMaj start = new FMatrixRMaj(3, 2);
        start.fill(7f);
        FMatrixRMaj noColumns = new FMatrixRMaj(3, 0);
        FMatrixRMaj noRows = new FMatrixRMaj(0, 2);
        FMatrixRMaj noRowsT = new FMatrixRMaj(0, 3);
        for (boolean acc : new boolean[] {false, true}) {
            BitIdentity.assertSame(c -> VECTOR.mul(noColumns, noRows, c, acc), c -> one.mul(noColumns, noRows, c, acc), start, "k = 0 mul " + acc);
            BitIdentity.assertSame(c -> VECTOR.mulTransA(noRowsT, noRows, c, acc), c -> two.mulTransA(noRowsT, noRows, c, acc), start,
                    "k = 0 mulTransA " + acc);
        }
        BitIdentity.assertSame(c -> VECTOR.mulBias(noColumns, noRows, bias, true, c), c -> two.mulBias(noColumns, noRows, bias, true, c), start,
                "k = 0 mulBias");
        FMatrixRMaj c = new FMatrixRMaj(3, 2);
        two.mul(new FMatrixRMaj(0, 4), new FMatrixRMaj(4, 2), c, false);
        assertEquals(0, c.numRows);
        two.mulTransB(new FMatrixRMaj(3, 4), new FMatrixRMaj(0, 4), c, false);
        assertEquals(0, c.numCols);

        Random rnd = new Random(12);
        FMatrixRMaj a = TestMatrices.random(80, 80, rnd);
        FMatrixRMaj b = TestMatrices.random(80, 80, rnd);
        float[] a0 = a.data.clone();
        float[] b0 = b.data.clone();
        two.mul(a, b, new FMatrixRMaj(80, 80), false);
        two.mulTransA(a, b, new FMatrixRMaj(80, 80), true);
        two.mulTransB(a, b, new FMatrixRMaj(80, 80), false);
        assertArrayEquals(a0, a.data);
        assertArrayEquals(b0, b.data);
    }

    @Test
    void anArrayShorterThanItsShapeIsRefusedBeforeTheNativeCodeReadsIt() {
        MatMul mm = Avx512MatMul.withThreads(2);
        FMatrixRMaj c = new FMatrixRMaj(300, 200);
        String message = assertThrows(IllegalArgumentException.class,
                () -> mm.mulTransB(new FMatrixRMaj(300, 400), FMatrixRMaj.wrap(200, 400, new float[400]), c, false)).getMessage();
        assertEquals("mulTransB: b is 200x400 but its array is 400 long", message);
        message = assertThrows(IllegalArgumentException.class,
                () -> mm.mulBias(new FMatrixRMaj(300, 400), new FMatrixRMaj(400, 200), FMatrixRMaj.wrap(1, 200, new float[1]), true, c))
                .getMessage();
        assertEquals("mulBias: bias is 1x200 but its array is 1 long", message);
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Avx512MatMul.withThreads(0));
    }

    private static FMatrixRMaj sprinkled(FMatrixRMaj x, float[] special, Random rnd) {
        for (int i = 0; i < x.data.length; i++) {
            if (rnd.nextInt(8) == 0) {
                x.data[i] = special[rnd.nextInt(special.length)];
            } else if (rnd.nextInt(8) == 0) {
                x.data[i] *= 0x1p-100f; // products of these underflow to denormals or zero
            }
        }
        return x;
    }
}
