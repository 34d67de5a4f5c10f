package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.VectorMath;

import java.util.SplittableRandom;

/**
 * Choice j ≥ 2 under the Gumbel policy: {@code argmax(logits + gumbel)} over the experts a token has
 * not chosen yet, ties to the lowest index. Tokens must be asked for in increasing order.
 */
abstract sealed class GumbelChoice {

    abstract int argmax(float[] logits, int row, int experts, int token, int[] chosen, int first, int taken);

    /**
     * Seeded noise is drawn row by row and only the logarithms that can matter are taken; any other
     * noise (recorded samples, a test's own) is materialised as the matrix it gives.
     */
    static GumbelChoice of(GateNoise noise, int tokens, int experts) {
        if (noise instanceof GateNoise.Seeded seeded) return new Sampled(seeded.gumbelRandom(), experts);
        return new Dense(noise.gumbel(tokens, experts));
    }

    /** The noise as a full [S × E] matrix. */
    static final class Dense extends GumbelChoice {
        private final FMatrixRMaj gumbel;

        Dense(FMatrixRMaj gumbel) {
            this.gumbel = gumbel;
        }

        @Override
        int argmax(float[] logits, int row, int experts, int token, int[] chosen, int first, int taken) {
            return Choices.argmax(logits, row, experts, gumbel.data, token * experts, chosen, first, taken);
        }
    }

    /**
     * The same noise as {@link GateNoise.Seeded#gumbel}, bit for bit and with the same choices, but
     * with a handful of logarithms per token instead of 2·E. Gumbel noise is increasing in its
     * uniform u, so the expert with the largest u gives a lower bound {@code best} on the winning
     * value; an expert can only reach it if its noise is at least {@code best − max(logits)}, i.e. if
     * its u is above {@code exp(−exp(−(best − max logits)))}. Only those (a few of E) are evaluated,
     * in index order and with the very float sums the dense path makes. A margin far above float
     * rounding keeps the bound conservative. A second, per-expert filter compares the expert's own
     * logit plus a cheap ceiling of its noise with the bound. Experts already chosen get u = −∞: they
     * cannot be chosen again, and their noise is never needed again for this token.
     */
    static final class Sampled extends GumbelChoice {
        private final SplittableRandom random;
        private final double[] u;
        private int drawn = -1;

        Sampled(SplittableRandom random, int experts) {
            this.random = random;
            this.u = new double[experts];
        }

        @Override
        int argmax(float[] logits, int row, int experts, int token, int[] chosen, int first, int taken) {
            while (drawn < token) { // rows of the matrix in order, as the dense path draws them
                for (int e = 0; e < experts; e++) u[e] = GateNoise.Seeded.uniform(random);
                drawn++;
            }
            for (int j = 0; j < taken; j++) u[chosen[first + j]] = Double.NEGATIVE_INFINITY; // never again
            int top = argmax(u);
            float maxLogit = VectorMath.max(logits, row, experts);
            float bound = logits[row + top] + GateNoise.Seeded.gumbel(u[top]);
            boolean bounded = Float.isFinite(bound) && Float.isFinite(maxLogit);
            double uMin = -Double.MAX_VALUE; // evaluate every expert not chosen yet unless the bound is usable
            if (bounded) {
                double margin = 1e-5 * (1 + Math.abs(bound) + Math.abs(maxLogit));
                uMin = Math.exp(-Math.exp(-((double) bound - maxLogit - margin))) - 1e-15;
            }
            int best = -1;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < experts; e++) {
                if (e != top) {
                    if (u[e] < uMin) continue;
                    if (bounded) {
                        double up = noiseCeiling(u[e]);
                        if (logits[row + e] + up + 1e-5 * (1 + Math.abs(logits[row + e]) + up + Math.abs(bound)) < bound) continue;
                    }
                }
                float v = logits[row + e] + GateNoise.Seeded.gumbel(u[e]);
                if (best < 0 || v > bestValue) {
                    best = e;
                    bestValue = v;
                }
            }
            return best;
        }

        private static int argmax(double[] values) {
            int top = 0;
            double max = values[0];
            for (int e = 1; e < values.length; e++) {
                if (values[e] > max) {
                    max = values[e];
                    top = e;
                }
            }
            return top;
        }

        /**
         * An upper bound on {@code -ln(-ln u)} without a logarithm, within ln 2 of it near u = 1: as
         * {@code -ln u ≥ 1-u}, the noise is at most {@code -ln(1-u)}, and {@code -ln y ≤ -e·ln 2}
         * for y = m·2^e with 1 ≤ m < 2.
         */
        private static double noiseCeiling(double u) {
            return -Math.getExponent(1 - u) * LN2;
        }

        private static final double LN2 = Math.log(2);
    }
}
