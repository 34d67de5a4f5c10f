package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.math.optim.TestParams.row;

import java.util.List;
import org.junit.jupiter.api.Test;

class SgdTest {

    private static final float EPS = 1e-6f;

    @Test
    void plainStepIsLearningRateTimesGradient() {
        Param p = row("p", 1f, -2f);
        TestParams.setGrad(p, 0.5f, 0.25f);
        new Sgd(0.1).step(List.of(p));
        assertArrayEquals(new float[] {0.95f, -2.025f}, p.value().data, EPS);
    }

    @Test
    void weightDecayAddsToTheGradient() {
        Param p = row("p", 1f, -2f);
        TestParams.setGrad(p, 0.5f, 0.25f);
        new Sgd(new Sgd.Config(0.1, 0, 0.01, false)).step(List.of(p));
        // g' = (0.51, 0.23)
        assertArrayEquals(new float[] {0.949f, -2.023f}, p.value().data, EPS);
    }

    @Test
    void momentumAccumulatesVelocity() {
        Param p = row("p", 1f);
        Sgd sgd = new Sgd(new Sgd.Config(0.1, 0.9, 0, false));
        float[] expected = {0.95f, 0.855f, 0.7195f}; // b = 0.5, 0.95, 1.355
        for (float e : expected) {
            TestParams.setGrad(p, 0.5f);
            sgd.step(List.of(p));
            assertEquals(e, p.value().data[0], EPS);
        }
        assertArrayEquals(new float[] {1.355f}, sgd.state().params().get("p").buffer("momentum"), EPS);
    }

    @Test
    void nesterovLooksAhead() {
        Param p = row("p", 1f);
        Sgd sgd = new Sgd(new Sgd.Config(0.1, 0.9, 0, true));
        float[] expected = {0.905f, 0.7695f}; // update g + 0.9·b: 0.95, then 1.355
        for (float e : expected) {
            TestParams.setGrad(p, 0.5f);
            sgd.step(List.of(p));
            assertEquals(e, p.value().data[0], EPS);
        }
    }

    @Test
    void plainSgdKeepsNoBuffers() {
        Param p = row("p", 1f);
        Sgd sgd = new Sgd(0.1);
        sgd.step(List.of(p));
        assertEquals(0, sgd.state().params().get("p").bufferNames().size());
        assertEquals(1, sgd.state().params().get("p").steps());
    }
}
