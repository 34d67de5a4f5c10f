package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.ScoreFunction;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.precision.Bf16Operands;
import switchyard.math.testing.LayerFixture;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central finite differences of the full loss against the analytic backward, for every routing
 * option the reference vectors do not cover. Entries whose perturbation changes a routing decision
 * (a piecewise-constant function) or crosses a ReLU kink are skipped, and at least most entries must be checkable.
 */
class GradientCheckTest {

    static Stream<Arguments> options() {
        RoutingOptions ref = RoutingOptions.reference();
        return Stream.of(
                Arguments.of("reference top-2", ref),
                Arguments.of("top-1", ref.toBuilder().topK(1).build()),
                Arguments.of("top-3", ref.toBuilder().topK(3).build()),
                Arguments.of("capacity factor 0.75, min 2", ref.toBuilder().capacityFactor(0.75).minCapacity(2).build()),
                Arguments.of("dropless", ref.toBuilder().dropless(true).build()),
                Arguments.of("z-loss", ref.toBuilder().zLossWeight(0.05f).build()),
                Arguments.of("E² aux scaling", ref.toBuilder().auxLossWeight(0.3f).auxLossScaleBySquaredExperts(true).build()),
                Arguments.of("jitter", ref.toBuilder().noise(NoisePolicy.JITTER).jitterEps(0.1f).build()),
                Arguments.of("no noise, random priority", ref.toBuilder().noise(NoisePolicy.NONE).randomTokenPriority(true).build()));
    }

    /** DeepSeek-V3-class routing: every option the v3 vectors name, with drops where they matter. */
    static Stream<Arguments> v3Options() {
        return Stream.of(
                Arguments.of("sigmoid top-2, normalised", v3().score(ScoreFunction.SIGMOID).topK(2).dropless(true).build(), 0),
                Arguments.of("sigmoid, route scale 2.5, groups 2/1, selection bias, capacity 4",
                        v3().score(ScoreFunction.SIGMOID).topK(2).routeScale(2.5f).groups(2, 1).biasUpdateRate(0.01f)
                                .fixedCapacity(4).build(), 0),
                Arguments.of("softmax norm-topk, drops", v3().normTopK(true).topK(2).fixedCapacity(3).build(), 0),
                Arguments.of("sequence-wise loss, sigmoid top-1", RoutingOptions.builder().noise(NoisePolicy.NONE).score(ScoreFunction.SIGMOID)
                        .topK(1).dropless(true).aux(AuxLoss.SEQUENCE).auxLossWeight(0.5f).build(), 0),
                Arguments.of("sequence-wise loss, softmax top-2 capacity", RoutingOptions.builder().noise(NoisePolicy.NONE).normalizeWeights(false)
                        .topK(2).fixedCapacity(4).aux(AuxLoss.SEQUENCE).auxLossWeight(1f).build(), 0),
                Arguments.of("expert choice", RoutingOptions.builder().noise(NoisePolicy.NONE).kind(RoutingKind.EXPERT_CHOICE).topK(1)
                        .aux(AuxLoss.NONE).fixedCapacity(4).build(), 0),
                Arguments.of("two shared experts, reference routing", RoutingOptions.reference(), 2),
                Arguments.of("one shared expert, sigmoid top-2, seq loss", RoutingOptions.builder().noise(NoisePolicy.NONE)
                        .score(ScoreFunction.SIGMOID).topK(2).dropless(true).aux(AuxLoss.SEQUENCE).auxLossWeight(0.3f).build(), 1));
    }

    private static RoutingOptions.Builder v3() {
        return RoutingOptions.builder().noise(NoisePolicy.NONE).normalizeWeights(false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("v3Options")
    void v3GradientsMatchFiniteDifferences(String name, RoutingOptions options, int sharedExperts) {
        LayerFixture f = new LayerFixture(2, 2, 12, 5, 7, sharedExperts, options, 42, new EjmlMatMul());
        List<FMatrixRMaj> dx = f.backward();
        List<Check> checks = checks(f, dx);
        for (int r = 0; r < f.worldSize; r++) {
            for (int i = 0; i < sharedExperts; i++) {
                var x = f.shared.get(r).expert(i);
                var g = f.layer.sharedGrad(r).get(i);
                checks.add(new Check("W1 of rank " + r + "'s shared expert " + i, x.w1(), g.w1()));
                checks.add(new Check("b1 of rank " + r + "'s shared expert " + i, x.b1(), g.b1()));
                checks.add(new Check("W2 of rank " + r + "'s shared expert " + i, x.w2(), g.w2()));
                checks.add(new Check("b2 of rank " + r + "'s shared expert " + i, x.b2(), g.b2()));
            }
        }
        assertMatch(name, f, checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void analyticGradientsMatchFiniteDifferences(String name, RoutingOptions options) {
        LayerFixture f = new LayerFixture(2, 2, 12, 5, 7, options, 42, new EjmlMatMul());
        List<FMatrixRMaj> dx = f.backward();
        assertMatch(name, f, checks(f, dx));
    }

    /**
     * With bfloat16 expert operands the analytic gradients are those of the float32 loss up to
     * bfloat16 rounding: each product's operands are off by up to 2⁻⁹ of themselves, so 3 % of
     * the larger of the two values (and 5e-3 absolute, for values near zero) rather than 1 %.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void bf16GradientsMatchFiniteDifferencesOfTheFloat32Loss(String name, RoutingOptions options) {
        LayerFixture fp32 = new LayerFixture(2, 2, 12, 5, 7, options, 42, new EjmlMatMul());
        LayerFixture bf16 = new LayerFixture(2, 2, 12, 5, 7, 0, options, 42, new EjmlMatMul(), new Bf16Operands(new EjmlMatMul()));
        List<FMatrixRMaj> dx = bf16.backward();
        assertMatch(name + " in bf16", fp32, checks(fp32, bf16, dx), 3e-2, 5e-3);
    }

    private static List<Check> checks(LayerFixture f, List<FMatrixRMaj> dx) {
        return checks(f, f, dx);
    }

    /** Parameters of {@code f} against the gradients {@code g} computed (its layer may run other kernels). */
    private static List<Check> checks(LayerFixture f, LayerFixture grads, List<FMatrixRMaj> dx) {
        List<Check> checks = new ArrayList<>();
        for (int r = 0; r < f.worldSize; r++) {
            checks.add(new Check("input of rank " + r, f.inputs.get(r), dx.get(r)));
            checks.add(new Check("gate replica of rank " + r, f.gates.get(r).weight(), grads.layer.gateGrad(r)));
        }
        for (int e = 0; e < f.experts.size(); e++) {
            var x = f.experts.get(e);
            var g = grads.layer.expertGrad(e);
            checks.add(new Check("W1 of expert " + e, x.w1(), g.w1()));
            checks.add(new Check("b1 of expert " + e, x.b1(), g.b1()));
            checks.add(new Check("W2 of expert " + e, x.w2(), g.w2()));
            checks.add(new Check("b2 of expert " + e, x.b2(), g.b2()));
        }
        return checks;
    }

    private static void assertMatch(String name, LayerFixture f, List<Check> checks) {
        assertMatch(name, f, checks, 1e-2, 2e-3);
    }

    private static void assertMatch(String name, LayerFixture f, List<Check> checks, double relative, double absolute) {
        SplittableRandom pick = new SplittableRandom(7);
        int checked = 0, skipped = 0;
        for (Check c : checks) {
            for (int n = 0; n < 6; n++) {
                int i = pick.nextInt(c.value.numRows * c.value.numCols);
                Double fd = finiteDifference(f, c.value, i);
                if (fd == null) { skipped++; continue; }
                double analytic = c.grad.data[i];
                double tol = relative * Math.max(Math.abs(fd), Math.abs(analytic)) + absolute;
                if (Math.abs(fd - analytic) > tol)
                    fail(name + ": d loss / d " + c.what + "[" + i + "]: analytic " + analytic + ", finite difference " + fd);
                checked++;
            }
        }
        assertTrue(checked >= 0.8 * (checked + skipped), name + ": only " + checked + " of " + (checked + skipped)
                + " entries could be checked without a routing change");
    }

    private record Check(String what, FMatrixRMaj value, FMatrixRMaj grad) {
        Check {
            assertEquals(value.numRows, grad.numRows);
            assertEquals(value.numCols, grad.numCols);
        }
    }

    /** Central difference, or null when ±h changes a routing decision. */
    private static Double finiteDifference(LayerFixture f, FMatrixRMaj m, int i) {
        float h = 2e-3f;
        float original = m.data[i];
        String base = decisions(f.forward());
        m.data[i] = original + h;
        MoeLayer.Forward plus = f.forward();
        m.data[i] = original - h;
        MoeLayer.Forward minus = f.forward();
        m.data[i] = original;
        if (!base.equals(decisions(plus)) || !base.equals(decisions(minus))) return null;
        double step = (double) (original + h) - (double) (original - h);
        return (f.loss(plus) - f.loss(minus)) / step;
    }

    private static String decisions(MoeLayer.Forward f) {
        StringBuilder sb = new StringBuilder();
        for (SourceStep s : f.sources()) {
            Routing r = s.routing();
            for (int t = 0; t < r.tokens(); t++)
                for (int j = 0; j < r.topK(); j++) sb.append(r.expert(t, j)).append(r.kept(t, j) ? '+' : '-');
        }
        // ReLU kinks are non-differentiable too: the hidden sign pattern must not change either
        sb.append(MoeLayer.reluPattern(f));
        return sb.toString();
    }
}
