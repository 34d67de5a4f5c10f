package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.math.expert.Expert;
import switchyard.math.linalg.EjmlMatMul;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad shapes and values are refused with a message that names them. */
class BadInputTest {
    private final EjmlMatMul mm = new EjmlMatMul();

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void wrongModelDimension() {
        Gate gate = new Gate(new FMatrixRMaj(4, 3), RoutingOptions.reference());
        var e = assertThrows(IllegalArgumentException.class,
                () -> gate.route(new FMatrixRMaj(5, 6), GateNoise.seeded(1, 0, 0), true, mm));
        assertMessage(e, "5x6", "4x3");
    }

    @Test
    void topTwoNeedsTwoExperts() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Gate(new FMatrixRMaj(4, 1), RoutingOptions.reference()));
        assertMessage(e, "top-2", "E=1");
    }

    @Test
    void kLargerThanExperts() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Gate(new FMatrixRMaj(4, 3), RoutingOptions.builder().topK(4).build()));
        assertMessage(e, "top-4", "E=3");
        var zero = assertThrows(IllegalArgumentException.class, () -> RoutingOptions.builder().topK(0).build());
        assertMessage(zero, "topK", "0");
    }

    @Test
    void negativeCapacity() {
        var e = assertThrows(IllegalArgumentException.class, () -> RoutingOptions.builder().fixedCapacity(-1).build());
        assertMessage(e, "capacity", "-1");
        var f = assertThrows(IllegalArgumentException.class, () -> RoutingOptions.builder().capacityFactor(-0.5).build());
        assertMessage(f, "capacityFactor", "-0.5");
        var m = assertThrows(IllegalArgumentException.class, () -> RoutingOptions.builder().minCapacity(-3).build());
        assertMessage(m, "minCapacity", "-3");
    }

    @Test
    void nonFiniteInput() {
        Gate gate = new Gate(new FMatrixRMaj(3, 4), RoutingOptions.reference());
        FMatrixRMaj x = new FMatrixRMaj(5, 3);
        x.set(2, 1, Float.NaN);
        var nan = assertThrows(IllegalArgumentException.class, () -> gate.route(x, GateNoise.seeded(1, 0, 0), true, mm));
        assertMessage(nan, "NaN", "row 2", "column 1");
        x.set(2, 1, 0f);
        x.set(4, 0, Float.NEGATIVE_INFINITY);
        var inf = assertThrows(IllegalArgumentException.class, () -> gate.route(x, GateNoise.seeded(1, 0, 0), true, mm));
        assertMessage(inf, "Infinity", "row 4", "column 0");
    }

    @Test
    void expertShapesAndInputWidth() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Expert(new FMatrixRMaj(4, 6), new FMatrixRMaj(1, 5), new FMatrixRMaj(6, 4), new FMatrixRMaj(1, 4)));
        assertMessage(e, "b1", "1x6", "1x5");
        Expert expert = Expert.initialised(4, 6, new SplittableRandom(1));
        var w = assertThrows(IllegalArgumentException.class, () -> expert.forward(new FMatrixRMaj(3, 5), mm));
        assertMessage(w, "3x5", "M=4");
    }

    @Test
    void recordedNoiseOfTheWrongShape() {
        Gate gate = new Gate(new FMatrixRMaj(3, 4), RoutingOptions.reference());
        var e = assertThrows(IllegalArgumentException.class,
                () -> gate.route(new FMatrixRMaj(5, 3), GateNoise.recorded(new FMatrixRMaj(4, 4)), true, mm));
        assertMessage(e, "4x4", "5x4");
    }

    @Test
    void groupsThatDoNotDivideTheExperts() {
        RoutingOptions o = RoutingOptions.builder().noise(NoisePolicy.NONE).groups(3, 1).topK(1).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new Gate(new FMatrixRMaj(3, 8), o));
        assertMessage(e, "3 groups", "E=8");
    }

    @Test
    void topKBeyondTheExpertsOfTheKeptGroups() {
        RoutingOptions o = RoutingOptions.builder().noise(NoisePolicy.NONE).groups(4, 1).topK(3).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new Gate(new FMatrixRMaj(3, 8), o));
        assertMessage(e, "top-3", "1 kept group of 2", "hold 2");
    }

    @Test
    void expertChoiceTakesNoTokenChoiceOptions() {
        var e = assertThrows(IllegalArgumentException.class, () -> RoutingOptions.builder().noise(NoisePolicy.NONE)
                .kind(RoutingKind.EXPERT_CHOICE).topK(2).aux(AuxLoss.NONE).build());
        assertMessage(e, "expert choice", "top-k");
    }

    @Test
    void gumbelNoiseWithDeterministicSelection() {
        var e = assertThrows(IllegalArgumentException.class, () -> RoutingOptions.builder().score(ScoreFunction.SIGMOID).build());
        assertMessage(e, "Gumbel", "noise none");
    }

    @Test
    void aSelectionBiasNeedsGroupsOfTwoExpertsAtLeast() {
        RoutingOptions o = RoutingOptions.builder().noise(NoisePolicy.NONE).groups(8, 2).topK(2).biasUpdateRate(0.01f).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new Gate(new FMatrixRMaj(3, 8), o));
        assertMessage(e, "two best experts", "at least 2");
    }
}
