package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.math.expert.ExpertGrads;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The kept expert gradients name the first step and expert whose gradient is not finite, before any update sums them. */
class ExpertGradientsTest {
    private static List<ExpertGrads> set() {
        return List.of(grads(), grads());
    }

    private static ExpertGrads grads() {
        return new ExpertGrads(new FMatrixRMaj(3, 4), new FMatrixRMaj(1, 4), new FMatrixRMaj(4, 3), new FMatrixRMaj(1, 3));
    }

    @Test
    void theFirstNonFiniteGradientIsFoundInStepThenExpertOrder() {
        ExpertGradients kept = new ExpertGradients(ExpertGradientsTest::set, true);
        for (long step : new long[] {4, 5, 6}) kept.keep(step, kept.fresh());
        assertNull(kept.firstNonFinite(new long[] {4, 5, 6}));

        kept.of(6).get(0).w2().set(3, 2, Float.POSITIVE_INFINITY);
        kept.of(5).get(1).b1().set(0, 0, Float.NaN);
        assertEquals(new ExpertGradients.NonFinite(5, 1), kept.firstNonFinite(new long[] {4, 5, 6}));
        assertEquals(new ExpertGradients.NonFinite(6, 0), kept.firstNonFinite(new long[] {6}));
    }
}
