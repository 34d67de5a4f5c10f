package switchyard.math.reference;

import org.ejml.data.FMatrixRMaj;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Holds a {@link ReferenceResult} to a {@link ReferenceCase}: routes exactly, every real number
 * within the float32 tolerance of the vectors' README. Failures name the case, rank and quantity.
 */
public final class ReferenceCheck {
    private ReferenceCheck() {}

    /** Every real within the float32 tolerance. */
    public static void assertMatches(ReferenceCase c, ReferenceResult actual) {
        assertMatches(c, actual, Tolerances.FLOAT32);
    }

    /** Every real within {@code tols}; routing decisions exact whatever they are. */
    public static void assertMatches(ReferenceCase c, ReferenceResult actual, Tolerances tols) {
        Tolerance tol = tols.values();
        Tolerance through = tols.throughExperts();
        assertEquals(c.worldSize(), actual.ranks().size(), c.name() + ": rank count");
        double loss = 0;
        for (int r = 0; r < c.worldSize(); r++) {
            RankCase expected = c.rank(r);
            ReferenceResult.Rank got = actual.ranks().get(r);
            String at = c.name() + " rank " + r + " ";
            int s = c.tokensPerRank();
            int[] e1 = new int[s], e2 = new int[s], slot1 = new int[s], slot2 = new int[s];
            double[] g1 = new double[s], g2 = new double[s];
            for (int t = 0; t < s; t++) {
                e1[t] = got.expert()[2 * t];
                e2[t] = got.expert()[2 * t + 1];
                slot1[t] = got.kept()[2 * t] ? got.slot()[2 * t] : -1;
                slot2[t] = got.kept()[2 * t + 1] ? got.slot()[2 * t + 1] : -1;
                g1[t] = got.weight()[2 * t];
                g2[t] = got.weight()[2 * t + 1];
            }
            Tolerance.assertExact(at + "expert1", expected.routing().expert1(), e1);
            Tolerance.assertExact(at + "expert2", expected.routing().expert2(), e2);
            Tolerance.assertExact(at + "slot1", expected.routing().slot1(), slot1);
            Tolerance.assertExact(at + "slot2", expected.routing().slot2(), slot2);
            Tolerance.assertExact(at + "first_choice_counts", expected.routing().firstChoiceCounts(), got.firstChoiceCounts());
            tol.assertClose(at + "gate1", expected.routing().gate1(), g1);
            tol.assertClose(at + "gate2", expected.routing().gate2(), g2);
            tol.assertClose(at + "l_aux", expected.lAux(), got.lAux());
            tol.assertClose(at + "output", expected.output(), got.output());
            through.assertClose(at + "grad_input", expected.gradInput(), got.gradInput());
            tol.assertClose(at + "grad_gate_weight", expected.gradGateWeight(), got.gradGateWeight());
            loss += dot(got.output(), expected.lossWeights()) + c.alpha() * got.lAux();
        }
        tol.assertClose(c.name() + " loss", c.loss(), loss);
        FMatrixRMaj gateSum = new FMatrixRMaj(c.dModel(), c.numExperts());
        for (ReferenceResult.Rank r : actual.ranks()) {
            for (int i = 0; i < gateSum.data.length; i++) gateSum.data[i] += r.gradGateWeight().data[i];
        }
        tol.assertClose(c.name() + " grad_gate_weight_sum", c.gradGateWeightSum(), gateSum);
        assertEquals(c.numExperts(), actual.expertGrads().size(), c.name() + ": expert gradient count");
        for (int e = 0; e < c.numExperts(); e++) {
            ExpertTensors expected = c.expertGrads().get(e);
            var got = actual.expertGrads().get(e);
            String at = c.name() + " expert " + e + " grad ";
            through.assertClose(at + "W1", expected.w1(), got.w1());
            through.assertClose(at + "b1", expected.b1(), got.b1());
            through.assertClose(at + "W2", expected.w2(), got.w2());
            through.assertClose(at + "b2", expected.b2(), got.b2());
        }
    }

    private static double dot(FMatrixRMaj a, double[][] b) {
        double sum = 0;
        for (int i = 0; i < a.numRows; i++) for (int j = 0; j < a.numCols; j++) sum += (double) a.get(i, j) * b[i][j];
        return sum;
    }
}
