package switchyard.math.linalg;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/** TEMPORARY stand-in until the kernel branch lands. */
public final class EjmlMatMul implements MatMul {
    public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean acc) { if (acc) CommonOps_FDRM.multAdd(a, b, c); else CommonOps_FDRM.mult(a, b, c); }
    public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean acc) { if (acc) CommonOps_FDRM.multAddTransA(a, b, c); else CommonOps_FDRM.multTransA(a, b, c); }
    public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean acc) { if (acc) CommonOps_FDRM.multAddTransB(a, b, c); else CommonOps_FDRM.multTransB(a, b, c); }
    public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
        CommonOps_FDRM.mult(a, b, c);
        for (int i = 0; i < c.numRows; i++) for (int j = 0; j < c.numCols; j++) { float v = c.get(i, j) + bias.data[j]; c.set(i, j, relu ? Math.max(v, 0f) : v); }
    }
    public String name() { return "ejml"; }
}
