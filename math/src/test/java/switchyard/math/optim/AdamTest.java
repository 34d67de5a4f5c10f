package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.math.optim.TestParams.row;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {

    private static final float EPS = 1e-6f;

    @Test
    void twoStepsMatchHandComputation() {
        Param p = row("p", 1f);
        Adam adam = new Adam(0.1);
        // t=1: m = 0.05, v = 2.5e-4, m̂ = 0.5, v̂ = 0.25 → p -= 0.1·0.5/(0.5 + 1e-8)
        TestParams.setGrad(p, 0.5f);
        adam.step(List.of(p));
        assertEquals(0.9f, p.value().data[0], EPS);
        // t=2: m = -0.055, v = 1.24975e-3, m̂ = -0.055/0.19, v̂ = 1.24975e-3/1.999e-3
        TestParams.setGrad(p, -1f);
        adam.step(List.of(p));
        assertEquals(0.93661035f, p.value().data[0], EPS);

        ParamState s = adam.state().params().get("p");
        assertEquals(2, s.steps());
        assertArrayEquals(new float[] {-0.055f}, s.buffer("m"), EPS);
        assertArrayEquals(new float[] {1.24975e-3f}, s.buffer("v"), 1e-9f);
    }

    @Test
    void integerPowerMatchesMathPow() {
        assertEquals(1.0, Adam.power(0.9, 0));
        assertEquals(0.9, Adam.power(0.9, 1));
        for (long t : new long[] {2, 3, 10, 1000, 123_457}) {
            // Squaring doubles the relative error each time: at worst about t ulps.
            double expected = Math.pow(0.999, t);
            assertEquals(expected, Adam.power(0.999, t), 2.3e-16 * t * expected, "t=" + t);
        }
    }

    @Test
    void biasCorrectionMakesEarlyStepsLearningRateSized() {
        // Uncorrected, the first step would be lr·0.1g/(0.0316|g|) ≈ 3.16·lr for any g.
        for (float g : new float[] {1e-3f, 1f, 1e3f}) {
            Param p = row("p", 0f, 0f);
            Adam adam = new Adam(0.01);
            for (int t = 1; t <= 3; t++) {
                TestParams.setGrad(p, g, -g);
                adam.step(List.of(p));
                assertArrayEquals(new float[] {-0.01f * t, 0.01f * t}, p.value().data, 1e-6f, "g=" + g + " t=" + t);
            }
        }
    }

    @Test
    void decoupledWeightDecayShrinksTheParameterInsteadOfTheGradient() {
        Param coupled = row("p", 1f);
        Param decoupled = row("p", 1f);
        TestParams.setGrad(coupled, 0.5f);
        TestParams.setGrad(decoupled, 0.5f);
        new Adam(new Adam.Config(0.1, 0.9, 0.999, 1e-8, 0.5, false)).step(List.of(coupled));
        new Adam(Adam.Config.adamW(0.1, 0.5)).step(List.of(decoupled));
        // L2: g' = 1.0, the normalised step is still lr. AdamW: p·(1 − 0.05) − lr.
        assertEquals(0.9f, coupled.value().data[0], EPS);
        assertEquals(0.85f, decoupled.value().data[0], EPS);
    }
}
