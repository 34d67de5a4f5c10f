package switchyard.math.linalg;

import org.ejml.data.FMatrixRMaj;

/** A {@link MatMul} that reports every product's work and time to a {@link MatMulMeter}. */
public final class MeteredMatMul implements MatMul {

    private final MatMul inner;
    private final MatMulMeter meter;
    /** The meter around the last kernel {@link #runEach} handed its tasks that was not {@code inner} itself. */
    private volatile MeteredMatMul handed;

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

    /** The inner kernel's {@link MatMul#runEach}, with every product the tasks run still metered. */
    @Override
    public void runEach(int count, Task task) {
        inner.runEach(count, (index, kernel) -> task.run(index, metered(kernel)));
    }

    private MatMul metered(MatMul kernel) {
        if (kernel == inner) {
            return this;
        }
        MeteredMatMul h = handed;
        if (h == null || h.inner != kernel) {
            h = new MeteredMatMul(kernel, meter);
            handed = h;
        }
        return h;
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
    public String name() {
        return "metered " + inner.name();
    }
}
