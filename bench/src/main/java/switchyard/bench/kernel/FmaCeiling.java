package switchyard.bench.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA throughput the cores deliver right now: twelve independent accumulator chains in
 * registers, no memory traffic. A matmul kernel cannot beat this, so benchmark figures are best
 * read against it (on shared or throttled hosts it moves between runs).
 */
public final class FmaCeiling {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 2_000_000;
    /** Keeps the results observable so the JIT cannot drop the loop. */
    private static volatile float sink;

    private FmaCeiling() {
    }

    /** Best of a few rounds, in GFLOP/s summed over {@code threads} threads running at once. */
    public static double gflops(int threads) {
        return CeilingRounds.bestGflops(threads, () -> {
            sink += chains(STEPS);
            return 2.0 * 12 * SPECIES.length() * STEPS;
        });
    }

    private static float chains(int steps) {
        FloatVector x = FloatVector.broadcast(SPECIES, sink + 1f);
        FloatVector m = FloatVector.broadcast(SPECIES, 0.999f);
        FloatVector c0 = x, c1 = x.add(1), c2 = x.add(2), c3 = x.add(3), c4 = x.add(4), c5 = x.add(5);
        FloatVector c6 = x.add(6), c7 = x.add(7), c8 = x.add(8), c9 = x.add(9), c10 = x.add(10), c11 = x.add(11);
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, x); c1 = c1.fma(m, x); c2 = c2.fma(m, x); c3 = c3.fma(m, x);
            c4 = c4.fma(m, x); c5 = c5.fma(m, x); c6 = c6.fma(m, x); c7 = c7.fma(m, x);
            c8 = c8.fma(m, x); c9 = c9.fma(m, x); c10 = c10.fma(m, x); c11 = c11.fma(m, x);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
