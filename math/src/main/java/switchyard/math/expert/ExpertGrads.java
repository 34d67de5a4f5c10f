package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Checks;

/** Gradients of one expert's parameters, laid out like the parameters. */
public record ExpertGrads(FMatrixRMaj w1, FMatrixRMaj b1, FMatrixRMaj w2, FMatrixRMaj b2) {

    public void zero() {
        w1.zero();
        b1.zero();
        w2.zero();
        b2.zero();
    }

    /** Overwrites every gradient with NaN (see {@code BufferPool}). */
    public void poison() {
        Buffers.poison(w1);
        Buffers.poison(b1);
        Buffers.poison(w2);
        Buffers.poison(b2);
    }

    /** Whether every gradient is a finite number: a diverging run shows first as one that is not. */
    public boolean allFinite() {
        return Checks.allFinite(w1) && Checks.allFinite(b1) && Checks.allFinite(w2) && Checks.allFinite(b2);
    }

    /** A deep copy, for a reader that keeps the gradients after their buffers are reused. */
    public ExpertGrads copy() {
        return new ExpertGrads(w1.copy(), b1.copy(), w2.copy(), b2.copy());
    }

    /** A deep copy in {@code into}'s matrices (grown where too small), for a reader that reuses its copies. */
    public ExpertGrads copyInto(ExpertGrads into) {
        into.w1.setTo(w1);
        into.b1.setTo(b1);
        into.w2.setTo(w2);
        into.b2.setTo(b2);
        return into;
    }

    /** {@code this += other}, element by element. */
    public void add(ExpertGrads other) {
        add(w1, other.w1);
        add(b1, other.b1);
        add(w2, other.w2);
        add(b2, other.b2);
    }

    private static void add(FMatrixRMaj into, FMatrixRMaj from) {
        Checks.shape("gradient", from, into.numRows, into.numCols);
        int n = into.numRows * into.numCols;
        for (int i = 0; i < n; i++) into.data[i] += from.data[i];
    }
}
