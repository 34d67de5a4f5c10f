package switchyard.math.linalg;

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
        meter.begin();
        try {
            inner.mul(a, b, c, accumulate);
        } finally {
            meter.end(2.0 * a.numRows * a.numCols * b.numCols);
        }
    }

    @Override
    public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        meter.begin();
        try {
            inner.mulTransA(a, b, c, accumulate);
        } finally {
            meter.end(2.0 * a.numRows * a.numCols * b.numCols);
        }
    }

    @Override
    public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        meter.begin();
        try {
            inner.mulTransB(a, b, c, accumulate);
        } finally {
            meter.end(2.0 * a.numRows * a.numCols * b.numRows);
        }
    }

    @Override
    public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        meter.begin();
        try {
            inner.mulBias(a, b, bias, relu, c);
        } finally {
            meter.end(2.0 * a.numRows * a.numCols * b.numCols);
        }
    }

    @Override
    public String name() {
        return "metered " + inner.name();
    }
}
