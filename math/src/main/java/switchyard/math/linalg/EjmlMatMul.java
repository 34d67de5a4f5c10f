package switchyard.math.linalg;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * {@link MatMul} on EJML's {@link CommonOps_FDRM}: the reference the vector kernel is tested
 * against, and the fallback when the {@code jdk.incubator.vector} module is absent. Single-threaded
 * and therefore trivially deterministic.
 */
public final class EjmlMatMul implements MatMul {

    @Override
    public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mul", a, false, b, false, c, accumulate);
        if (emptyProduct(a.numCols, c, accumulate)) {
            return;
        }
        if (accumulate) {
            CommonOps_FDRM.multAdd(a, b, c);
        } else {
            CommonOps_FDRM.mult(a, b, c);
        }
    }

    @Override
    public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mulTransA", a, true, b, false, c, accumulate);
        if (emptyProduct(a.numRows, c, accumulate)) {
            return;
        }
        if (accumulate) {
            CommonOps_FDRM.multAddTransA(a, b, c);
        } else {
            CommonOps_FDRM.multTransA(a, b, c);
        }
    }

    @Override
    public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
        ShapeCheck.product("mulTransB", a, false, b, true, c, accumulate);
        if (emptyProduct(a.numCols, c, accumulate)) {
            return;
        }
        if (accumulate) {
            CommonOps_FDRM.multAddTransB(a, b, c);
        } else {
            CommonOps_FDRM.multTransB(a, b, c);
        }
    }

    @Override
    public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        ShapeCheck.biasRow("mulBias", bias, b, c);
        ShapeCheck.product("mulBias", a, false, b, false, c, false);
        if (!emptyProduct(a.numCols, c, false)) {
            CommonOps_FDRM.mult(a, b, c);
        }
        float[] out = c.data;
        float[] row = bias.data;
        int n = c.numCols;
        for (int i = 0, at = 0; i < c.numRows; i++) {
            for (int j = 0; j < n; j++, at++) {
                float v = out[at] + row[j];
                out[at] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /**
     * An empty reduction (k = 0) makes the product all zeros; handled here because EJML's kernels
     * are not documented to cover it. Returns true when nothing is left to compute.
     */
    private static boolean emptyProduct(int k, FMatrixRMaj c, boolean accumulate) {
        if (k != 0) {
            return false;
        }
        if (!accumulate) {
            c.zero();
        }
        return true;
    }

    @Override
    public String name() {
        return "ejml";
    }

    @Override
    public String toString() {
        return name();
    }
}
