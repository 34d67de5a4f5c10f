package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

import java.util.SplittableRandom;

/**
 * The random inputs of one routing call: Gumbel noise for later choices, jitter multipliers, and a
 * token priority order. Injectable so tests can feed recorded noise; seeded so runs reproduce.
 */
public interface GateNoise {

    /** Gumbel(0,1) samples, [tokens × experts]. */
    FMatrixRMaj gumbel(int tokens, int experts);

    /** Multipliers drawn from U(1-eps, 1+eps), [tokens × dim]. */
    FMatrixRMaj jitter(int tokens, int dim, float eps);

    /** A permutation of {@code 0..tokens-1}: the order in which tokens claim expert slots. */
    int[] tokenOrder(int tokens);

    /**
     * Noise from a generator seeded by {@code (seed, rank, step)}, so every rank and step draws an
     * independent but reproducible stream wherever it runs.
     */
    static GateNoise seeded(long seed, int rank, long step) {
        return new Seeded(mix(mix(seed) ^ mix(rank + 0x51ED27L) ^ mix(step * 0x9E3779B97F4A7C15L)));
    }

    /** Recorded Gumbel noise (e.g. from the reference vectors); asking for anything else is an error. */
    static GateNoise recorded(FMatrixRMaj gumbel) {
        return new Recorded(gumbel);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Draws each request from its own generator state, so the order of requests does not matter. */
    final class Seeded implements GateNoise {
        private final long seed;

        Seeded(long seed) {
            this.seed = seed;
        }

        @Override
        public FMatrixRMaj gumbel(int tokens, int experts) {
            SplittableRandom random = gumbelRandom();
            FMatrixRMaj g = new FMatrixRMaj(tokens, experts);
            for (int i = 0; i < g.data.length; i++) g.data[i] = gumbel(uniform(random));
            return g;
        }

        /** The generator {@link #gumbel} draws from, row-major over [tokens × experts]. */
        SplittableRandom gumbelRandom() {
            return new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
        }

        /** U(0, 1): zero is redrawn, because -ln(-ln 0) is undefined. */
        static double uniform(SplittableRandom random) {
            double u = random.nextDouble();
            while (u == 0.0) u = random.nextDouble();
            return u;
        }

        /** Gumbel(0,1) from a uniform sample: {@code -ln(-ln u)}. */
        static float gumbel(double u) {
            return (float) -Math.log(-Math.log(u));
        }

        @Override
        public FMatrixRMaj jitter(int tokens, int dim, float eps) {
            SplittableRandom random = new SplittableRandom(seed ^ 0xBB67AE8584CAA73BL);
            FMatrixRMaj j = new FMatrixRMaj(tokens, dim);
            for (int i = 0; i < j.data.length; i++) j.data[i] = (float) (1.0 - eps + 2.0 * eps * random.nextDouble());
            return j;
        }

        @Override
        public int[] tokenOrder(int tokens) {
            SplittableRandom random = new SplittableRandom(seed ^ 0x3C6EF372FE94F82BL);
            int[] order = new int[tokens];
            for (int i = 0; i < tokens; i++) order[i] = i;
            for (int i = tokens - 1; i > 0; i--) { // Fisher–Yates
                int j = random.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
            return order;
        }
    }

    /** Replays recorded Gumbel samples. */
    record Recorded(FMatrixRMaj samples) implements GateNoise {
        @Override
        public FMatrixRMaj gumbel(int tokens, int experts) {
            if (samples.numRows != tokens || samples.numCols != experts)
                throw new IllegalArgumentException("recorded noise is " + samples.numRows + "x" + samples.numCols
                        + " but routing needs " + tokens + "x" + experts);
            return samples;
        }

        @Override
        public FMatrixRMaj jitter(int tokens, int dim, float eps) {
            throw new IllegalStateException("recorded noise holds Gumbel samples only, no jitter");
        }

        @Override
        public int[] tokenOrder(int tokens) {
            throw new IllegalStateException("recorded noise holds Gumbel samples only, no token order");
        }
    }
}
