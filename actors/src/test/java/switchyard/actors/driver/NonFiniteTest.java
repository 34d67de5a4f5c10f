package switchyard.actors.driver;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepReport;
import switchyard.math.expert.ExpertGrads;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the driver refuses to sum: every loss and gradient a rank sends must be a finite number. */
class NonFiniteTest {
    private static RankReply.StepDone done(double loss, float routerLoss, FMatrixRMaj gate, List<ExpertGrads> shared) {
        StepReport report = new StepReport(4, loss, 0f, 0f, routerLoss, 1, new int[2], new int[1], 0, new int[4][2], new long[4][2],
                new long[10], new int[2], new int[0], new float[0]);
        return new RankReply.StepDone(12, 1, report, gate, null, shared);
    }

    private static ExpertGrads grads() {
        return new ExpertGrads(new FMatrixRMaj(2, 3), new FMatrixRMaj(1, 3), new FMatrixRMaj(3, 2), new FMatrixRMaj(1, 2));
    }

    @Test
    void eachNonFiniteValueIsNamedWithItsStepAndRank() {
        FMatrixRMaj gate = new FMatrixRMaj(2, 2);
        assertNull(NonFinite.in(done(0.5, 0.01f, gate, List.of(grads()))));
        assertNull(NonFinite.in(done(0.5, 0.01f, null, List.of())), "forward-only steps have no gradient");

        assertEquals("step 12: rank 1's loss is NaN" + NonFinite.HINT, NonFinite.in(done(Double.NaN, 0f, gate, List.of())));
        assertEquals("step 12: rank 1's loss is infinite" + NonFinite.HINT,
                NonFinite.in(done(Double.POSITIVE_INFINITY, 0f, gate, List.of())));
        assertEquals("step 12: rank 1's router loss is NaN" + NonFinite.HINT, NonFinite.in(done(0.5, Float.NaN, gate, List.of())));

        FMatrixRMaj badGate = new FMatrixRMaj(2, 2);
        badGate.set(1, 1, Float.NEGATIVE_INFINITY);
        assertEquals("step 12: the gate gradient from rank 1 has a non-finite value" + NonFinite.HINT,
                NonFinite.in(done(0.5, 0f, badGate, List.of())));

        ExpertGrads badShared = grads();
        badShared.b2().set(0, 1, Float.NaN);
        assertEquals("step 12: the gradient of shared expert 1 from rank 1 has a non-finite value" + NonFinite.HINT,
                NonFinite.in(done(0.5, 0f, gate, List.of(grads(), badShared))));
    }
}
