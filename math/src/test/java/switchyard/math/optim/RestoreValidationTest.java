package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreValidationTest {

    private static OptimizerState adamStateOf(List<Param> params) {
        Adam adam = new Adam(0.01);
        adam.step(params);
        return adam.state();
    }

    @Test
    void shapeMismatchNamesParameterAndBothShapes() {
        OptimizerState s = adamStateOf(List.of(TestParams.matrix("w", 2, 3)));
        List<Param> reshaped = List.of(TestParams.matrix("w", 3, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(0.01).restore(s, reshaped));
        assertMessage(e, "'w' is 3×2 but its saved state is 2×3");

        // Restored without the check, the same mismatch is caught at the next step.
        Adam adam = new Adam(0.01);
        adam.restore(s);
        e = assertThrows(IllegalArgumentException.class, () -> adam.step(reshaped));
        assertMessage(e, "'w' is 3×2 but its optimizer state is 2×3");
    }

    @Test
    void unknownAndMissingParametersAreNamed() {
        OptimizerState s = adamStateOf(List.of(TestParams.matrix("w", 1, 2)));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Adam(0.01).restore(s, List.of(TestParams.matrix("v", 1, 2)))), "'w'");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Adam(0.01).restore(s, List.of(TestParams.matrix("w", 1, 2), TestParams.matrix("x", 1, 1)))),
                "no entry for parameter 'x'");
    }

    @Test
    void kindHyperParametersAndBufferLayoutMustMatch() {
        OptimizerState s = adamStateOf(List.of(TestParams.matrix("w", 1, 2)));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Sgd(0.01).restore(s)), "'adam'");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Adam(0.02).restore(s)), "lr=0.02");

        Sgd plain = new Sgd(0.1);
        plain.step(List.of(TestParams.matrix("w", 1, 2)));
        OptimizerState tampered = new OptimizerState("sgd", plain.state().hyperParameters(), 1,
                java.util.Map.of("w", new ParamState(1, 2, 1, java.util.Map.of("momentum", new float[2]))));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1).restore(tampered)),
                "state buffers [momentum]");
    }

    @Test
    void failedStepChangesNothing() {
        Param known = TestParams.row("known", 1f);
        Param fresh = TestParams.row("fresh", 1f);
        TestParams.setGrad(known, 1f);
        Sgd sgd = new Sgd(0.1);
        sgd.step(List.of(known));
        OptimizerState before = sgd.state();

        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> sgd.step(List.of(fresh, known, known))), "'known' is listed twice");
        assertEquals(before, sgd.state());
        assertEquals(0.9f, known.value().data[0]);
        assertEquals(1f, fresh.value().data[0]);
    }

    @Test
    void paramRejectsMismatchedOrAliasedMatrices() {
        var m = new org.ejml.data.FMatrixRMaj(2, 2);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Param("w", m, new org.ejml.data.FMatrixRMaj(2, 3))), "2×2 but grad is 2×3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Param("w", m, m)), "same matrix");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Param(" ", m, new org.ejml.data.FMatrixRMaj(2, 2))), "blank");
    }

    private static void assertMessage(Exception e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }
}
