package switchyard.math.linalg;

import java.util.function.IntConsumer;
import org.ejml.data.FMatrixRMaj;

/** A {@link MatMul} that reports every product's work and time to a {@link MatMulMeter}. */
public final class MeteredMatMul implements MatMul {

    private final MatMul inner;
    private final MatMulMeter meter;

    public MeteredMatMul(MatMul inner, MatMulMeter meter) {
        this.inner = inner;
        this.meter = meter;
    }

    @Override
    public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        metered(a.numRows, a.numCols, b.numCols, () -> inner.mul(a, b, c, accumulate));
    }

    @Override
    public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        metered(a.numCols, a.numRows, b.numCols, () -> inner.mulTransA(a, b, c, accumulate));
    }

    @Override
    public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        metered(a.numRows, a.numCols, b.numRows, () -> inner.mulTransB(a, b, c, accumulate));
    }

    @Override
    public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        metered(a.numRows, a.numCols, b.numCols, () -> inner.mulBias(a, b, bias, relu, c));
    }

    /** The inner kernel's {@link MatMul#runEach}: the tasks' products, on this kernel, are metered. */
    @Override
    public void runEach(int count, IntConsumer task) {
        inner.runEach(count, task);
    }

    /** Runs an [m×k]·[k×n] product between the meter's begin and end. */
    private void metered(int m, int k, int n, Runnable product) {
        long started = meter.begin();
        try {
            product.run();
        } finally {
            meter.end(2.0 * m * k * n, started);
        }
    }

    @Override
    public int threads() {
        return inner.threads();
    }

    @Override
    public String name() {
        return "metered " + inner.name();
    }
}
