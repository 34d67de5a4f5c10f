package switchyard.math.precision;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;

import java.util.function.IntConsumer;

/**
 * Products with bfloat16 operands and float32 accumulation on any float32 kernel: both operands
 * are rounded to bfloat16 (into scratch copies; the caller's matrices are untouched) and the
 * inner kernel multiplies them. Their products are exact in float32, so this is the bfloat16
 * semantics in the inner kernel's order of summation: correct on every CPU, and as fast as the
 * inner kernel plus the rounding. Bias, ReLU and the accumulated output stay float32.
 */
public final class Bf16Operands implements MatMul {
    private final MatMul inner;
    /** Scratch per thread: products run on several threads at once (runEach, several ranks). */
    private final ThreadLocal<FMatrixRMaj[]> scratch = ThreadLocal.withInitial(() -> new FMatrixRMaj[] {new FMatrixRMaj(0, 0), new FMatrixRMaj(0, 0)});

    public Bf16Operands(MatMul inner) {
        this.inner = inner;
    }

    @Override
    public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        FMatrixRMaj[] s = scratch.get();
        inner.mul(rounded(a, s[0]), rounded(b, s[1]), c, accumulate);
    }

    @Override
    public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        FMatrixRMaj[] s = scratch.get();
        inner.mulTransA(rounded(a, s[0]), rounded(b, s[1]), c, accumulate);
    }

    @Override
    public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        FMatrixRMaj[] s = scratch.get();
        inner.mulTransB(rounded(a, s[0]), rounded(b, s[1]), c, accumulate);
    }

    @Override
    public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        FMatrixRMaj[] s = scratch.get();
        inner.mulBias(rounded(a, s[0]), rounded(b, s[1]), bias, relu, c);
    }

    @Override
    public void runEach(int count, IntConsumer task) {
        inner.runEach(count, task);
    }

    @Override
    public int threads() {
        return inner.threads();
    }

    @Override
    public String name() {
        return "bf16 operands on " + inner.name();
    }

    private static FMatrixRMaj rounded(FMatrixRMaj m, FMatrixRMaj into) {
        into.reshape(m.numRows, m.numCols);
        Bfloat16.round(m.data, into.data, 0, m.getNumElements());
        return into;
    }
}
