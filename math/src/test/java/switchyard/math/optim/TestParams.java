package switchyard.math.optim;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/** Small builders for optimizer tests. */
final class TestParams {

    private TestParams() {
    }

    static Param row(String name, float... values) {
        return new Param(name, new FMatrixRMaj(1, values.length, true, values), new FMatrixRMaj(1, values.length));
    }

    static Param matrix(String name, int rows, int cols) {
        return new Param(name, new FMatrixRMaj(rows, cols), new FMatrixRMaj(rows, cols));
    }

    /** Fresh matrices holding the same values, as a process reloading a checkpoint would have. */
    static List<Param> copies(List<Param> params) {
        List<Param> out = new ArrayList<>();
        for (Param p : params) {
            out.add(new Param(p.name(), p.value().copy(), p.grad().copy()));
        }
        return out;
    }

    static void setGrad(Param p, float... g) {
        System.arraycopy(g, 0, p.grad().data, 0, g.length);
    }
}
