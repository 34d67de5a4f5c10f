package switchyard.math.optim;

import java.util.List;

/**
 * {@code f(x) = ½ Σ a_i (x_i − c_i)²} over every element of every parameter, with curvatures a_i
 * in [0.5, 2] and targets c_i fixed by position; optionally with a deterministic wobble added to
 * the gradient so that state (momentum, moments) matters for the trajectory.
 */
final class Quadratic {

    static float curvature(int i) {
        return 0.5f + 1.5f * ((i * 7) % 11) / 10f;
    }

    static float target(int i) {
        return (float) Math.sin(i + 1.0) * 2;
    }

    static void initialise(List<Param> params) {
        for (Param p : params) {
            for (int i = 0; i < p.value().getNumElements(); i++) {
                p.value().data[i] = (float) Math.cos(3.0 * i + p.name().length());
            }
        }
    }

    /** Writes the gradient at the current values; {@code step} drives the wobble. */
    static void gradient(List<Param> params, int step, float wobble) {
        for (Param p : params) {
            for (int i = 0; i < p.value().getNumElements(); i++) {
                float noise = wobble * (float) Math.sin(0.7 * step + 1.3 * i);
                p.grad().data[i] = curvature(i) * (p.value().data[i] - target(i)) + noise;
            }
        }
    }

    static float maxDistanceToOptimum(List<Param> params) {
        float max = 0;
        for (Param p : params) {
            for (int i = 0; i < p.value().getNumElements(); i++) {
                max = Math.max(max, Math.abs(p.value().data[i] - target(i)));
            }
        }
        return max;
    }
}
