package switchyard.math.reference.v3;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.SelectionBias;
import switchyard.math.reference.ExpertTensors;
import switchyard.math.reference.Tolerance;
import switchyard.math.reference.Tolerances;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Holds a {@link V3Result} to a {@link V3Case}: every routing decision exact (experts and their
 * order, kept groups, slots and drops, counts, expert-choice picks, the bias update's signs),
 * every real within the README's float32 tolerance. A dropped choice's weight is 0 here, where the
 * README records the weight it would have had: the combine never reads it either way.
 */
public final class V3Check {
    private V3Check() {}

    /** Every real within the float32 tolerance. */
    public static void assertMatches(V3Case c, V3Result actual) {
        assertMatches(c, actual, Tolerances.FLOAT32);
    }

    /** Every real within {@code tols}; routing decisions exact whatever they are. */
    public static void assertMatches(V3Case c, V3Result actual, Tolerances tols) {
        Tolerance tol = tols.values();
        Tolerance through = tols.throughExperts();
        assertEquals(c.worldSize(), actual.ranks().size(), c.name() + ": rank count");
        double loss = 0;
        for (int r = 0; r < c.worldSize(); r++) {
            V3Case.Rank expected = c.rank(r);
            V3Result.Rank got = actual.ranks().get(r);
            String at = c.name() + " rank " + r + " ";
            if (c.options().expertChoice()) checkExpertChoice(tol, c, expected.routing(), got, at);
            else checkTokenChoice(tol, c, expected, got, at);
            tol.assertClose(at + "output", expected.output(), got.output());
            through.assertClose(at + "grad_input", expected.gradInput(), got.gradInput());
            tol.assertClose(at + "grad_gate_weight", expected.gradGateWeight(), got.gradGateWeight());
            for (int i = 0; i < c.options().nShared(); i++) {
                assertShared(through, at + "grad_shared_experts[" + i + "] ", expected.gradSharedExperts().get(i), got.gradSharedExperts().get(i));
            }
            loss += dot(got.output(), expected.lossWeights()) + c.options().alpha() * got.lAux();
        }
        tol.assertClose(c.name() + " loss", c.loss(), loss);
        FMatrixRMaj gateSum = new FMatrixRMaj(c.dModel(), c.numExperts());
        for (V3Result.Rank r : actual.ranks()) for (int i = 0; i < gateSum.data.length; i++) gateSum.data[i] += r.gradGateWeight().data[i];
        tol.assertClose(c.name() + " grad_gate_weight_sum", c.gradGateWeightSum(), gateSum);
        for (int i = 0; i < c.options().nShared(); i++) {
            List<ExpertGrads> perRank = new ArrayList<>();
            for (V3Result.Rank r : actual.ranks()) perRank.add(r.gradSharedExperts().get(i));
            assertShared(through, c.name() + " grad_shared_experts_sum[" + i + "] ", c.gradSharedExpertsSum().get(i), sum(perRank));
        }
        for (int e = 0; e < c.numExperts(); e++) {
            ExpertTensors expected = c.expertGrads().get(e);
            ExpertGrads got = actual.expertGrads().get(e);
            String at = c.name() + " expert " + e + " grad ";
            through.assertClose(at + "W1", expected.w1(), got.w1());
            through.assertClose(at + "b1", expected.b1(), got.b1());
            through.assertClose(at + "W2", expected.w2(), got.w2());
            through.assertClose(at + "b2", expected.b2(), got.b2());
        }
        checkBias(tol, c, actual);
    }

    private static void checkTokenChoice(Tolerance tol, V3Case c, V3Case.Rank expected, V3Result.Rank got, String at) {
        V3Case.Routing want = expected.routing();
        int s = c.tokensPerRank(), k = c.options().topK();
        assertEquals(k, got.k(), at + "choices per token");
        int[] experts = new int[s * k], slots = new int[s * k];
        double[] keptWeights = new double[s * k], gotWeights = new double[s * k];
        for (int t = 0; t < s; t++) {
            for (int j = 0; j < k; j++) {
                int i = t * k + j;
                experts[i] = want.experts()[t][j];
                slots[i] = want.slot()[t][j];
                keptWeights[i] = want.slot()[t][j] >= 0 ? want.weights()[t][j] : 0; // see the class comment
                gotWeights[i] = got.weight()[i];
            }
        }
        int[] gotSlots = new int[s * k];
        for (int i = 0; i < s * k; i++) gotSlots[i] = got.kept()[i] ? got.slot()[i] : -1;
        Tolerance.assertExact(at + "experts", experts, got.expert());
        Tolerance.assertExact(at + "slot", slots, gotSlots);
        Tolerance.assertExact(at + "counts", want.counts(), got.selections());
        if (want.groups() != null) Tolerance.assertExact(at + "groups", flat(want.groups()), got.keptGroups());
        tol.assertClose(at + "weights", keptWeights, gotWeights);
        if (expected.lAux() != null) tol.assertClose(at + "l_aux", expected.lAux(), got.lAux());
        else assertEquals(0f, got.lAux(), at + "l_aux without a balance loss");
    }

    private static void checkExpertChoice(Tolerance tol, V3Case c, V3Case.Routing want, V3Result.Rank got, String at) {
        int s = c.tokensPerRank(), e = c.numExperts(), capacity = c.options().capacity();
        assertEquals(e, got.k(), at + "one choice per expert");
        int[] tokens = new int[e * capacity];
        double[] weights = new double[e * capacity];
        int[] counts = new int[s];
        for (int t = 0; t < s; t++) {
            for (int x = 0; x < e; x++) {
                int i = t * e + x;
                if (!got.kept()[i]) continue;
                tokens[x * capacity + got.slot()[i]] = t;
                weights[x * capacity + got.slot()[i]] = got.weight()[i];
                counts[t]++;
            }
        }
        Tolerance.assertExact(at + "ec_tokens", flat(want.ecTokens()), tokens);
        tol.assertClose(at + "ec_weights", flat(want.ecWeights()), weights);
        Tolerance.assertExact(at + "ec_token_counts", want.ecTokenCounts(), counts);
    }

    private static void checkBias(Tolerance tol, V3Case c, V3Result actual) {
        if (c.expertLoad() == null) return;
        int[] load = new int[actual.expertLoad().length];
        for (int e = 0; e < load.length; e++) load[e] = Math.toIntExact(actual.expertLoad()[e]);
        Tolerance.assertExact(c.name() + " expert_load", c.expertLoad(), load);
        if (c.selectionBiasAfter() == null) return;
        Tolerance.assertExact(c.name() + " bias_update_sign", c.biasUpdateSign(), SelectionBias.signs(actual.expertLoad()));
        double[] after = new double[actual.selectionBiasAfter().length];
        for (int e = 0; e < after.length; e++) after[e] = actual.selectionBiasAfter()[e];
        tol.assertClose(c.name() + " selection_bias_after", c.selectionBiasAfter(), after);
    }

    private static void assertShared(Tolerance tol, String at, V3Case.SharedTensors expected, ExpertGrads got) {
        tol.assertClose(at + "W1", expected.w1(), got.w1());
        tol.assertClose(at + "b1", expected.b1(), got.b1());
        tol.assertClose(at + "W2", expected.w2(), got.w2());
        tol.assertClose(at + "b2", expected.b2(), got.b2());
    }

    private static ExpertGrads sum(List<ExpertGrads> parts) {
        ExpertGrads total = parts.get(0).copy();
        for (int i = 1; i < parts.size(); i++) total.add(parts.get(i));
        return total;
    }

    private static int[] flat(int[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        int[] out = new int[a.length * cols];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, out, i * cols, cols);
        return out;
    }

    private static double[] flat(double[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        double[] out = new double[a.length * cols];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, out, i * cols, cols);
        return out;
    }

    private static double dot(FMatrixRMaj a, double[][] b) {
        double sum = 0;
        for (int i = 0; i < a.numRows; i++) for (int j = 0; j < a.numCols; j++) sum += (double) a.get(i, j) * b[i][j];
        return sum;
    }
}
