package switchyard.math.precision;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.linalg.MatMul;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16OperandsTest {
    private final MatMul fp32 = new EjmlMatMul();
    private final MatMul bf16 = new Bf16Operands(fp32);

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom r) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (r.nextDouble() * 2 - 1);
        return m;
    }

    private static FMatrixRMaj rounded(FMatrixRMaj m) {
        FMatrixRMaj out = m.copy();
        Bfloat16.round(out.data, out.data, 0, out.data.length);
        return out;
    }

    /** Exactly the float32 kernel on rounded operands, in all four products; the caller's operands untouched. */
    @Test
    void everyProductIsTheFloat32ProductOfTheRoundedOperands() {
        SplittableRandom r = new SplittableRandom(3);
        FMatrixRMaj a = random(37, 53, r), b = random(53, 29, r), at = random(53, 37, r), bt = random(29, 53, r), bias = random(1, 29, r);
        float[] aBefore = a.data.clone();
        FMatrixRMaj got = new FMatrixRMaj(1, 1), want = new FMatrixRMaj(1, 1);

        bf16.mul(a, b, got, false);
        fp32.mul(rounded(a), rounded(b), want, false);
        assertArrayEquals(want.data, Arrays.copyOf(got.data, want.getNumElements()));
        assertArrayEquals(aBefore, a.data, "the operands stay float32");

        bf16.mulTransA(at, b, got, false);
        fp32.mulTransA(rounded(at), rounded(b), want, false);
        assertArrayEquals(want.data, Arrays.copyOf(got.data, want.getNumElements()));

        bf16.mulTransB(a, bt, got, false);
        fp32.mulTransB(rounded(a), rounded(bt), want, false);
        assertArrayEquals(want.data, Arrays.copyOf(got.data, want.getNumElements()));

        bf16.mulBias(a, b, bias, true, got);
        fp32.mulBias(rounded(a), rounded(b), bias, true, want);
        assertArrayEquals(want.data, Arrays.copyOf(got.data, want.getNumElements()), "the bias is added in float32");
    }

    /** Within bfloat16's rounding of the float32 product: each term off by at most 2·2^-8 relative, so |Δ| ≤ 2^-7·Σ|a·b|. */
    @Test
    void theErrorStaysWithinTheBoundOfTwoRoundedOperands() {
        SplittableRandom r = new SplittableRandom(9);
        int k = 512;
        FMatrixRMaj a = random(16, k, r), b = random(k, 16, r), got = new FMatrixRMaj(1, 1);
        bf16.mul(a, b, got, false);
        double worst = 0;
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                double exact = 0, scale = 0;
                for (int p = 0; p < k; p++) {
                    exact += (double) a.get(i, p) * b.get(p, j);
                    scale += Math.abs((double) a.get(i, p) * b.get(p, j));
                }
                double error = Math.abs(got.get(i, j) - exact) / scale;
                assertTrue(error <= 0x1p-7 + 1e-6, "element " + i + "," + j + ": relative error " + error);
                worst = Math.max(worst, error);
            }
        }
        assertTrue(worst > 1e-6, "the operands were rounded: the product is not float32's (" + worst + ")");
        assertEquals("bf16 operands on ejml", bf16.name());
    }
}
