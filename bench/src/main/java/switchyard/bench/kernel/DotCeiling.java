package switchyard.bench.kernel;

import switchyard.kernels.Avx512Bf16MatMul;

/**
 * The AVX512-BF16 dot-product units' throughput right now: {@code VDPBF16PS} on operands held in
 * registers, no memory traffic, on each thread at once. Where the expert products run on that
 * kernel ({@code --precision bf16} on a CPU without AMX) it is their limit, as {@link FmaCeiling}
 * is float32's, and like it is measured in the same run as the figures read against it.
 */
public final class DotCeiling {

    /** Rounds of one run: long enough to time, and within the loop's exact range. */
    private static final int ROUNDS = 200_000;

    private DotCeiling() {
    }

    /**
     * Best of a few rounds, in bfloat16 GFLOP/s summed over {@code threads} threads running at once.
     *
     * @throws IllegalStateException when the kernel cannot run here, or a run did not do every product
     */
    public static double bf16Gflops(int threads) {
        return CeilingRounds.bestGflops(threads, () -> {
            float sum = Avx512Bf16MatMul.dotLoop(ROUNDS);
            if (sum != 48f * ROUNDS) {
                throw new IllegalStateException("the dot loop summed " + sum + ", not " + 48f * ROUNDS);
            }
            return Avx512Bf16MatMul.DOT_LOOP_FLOPS_PER_ROUND * ROUNDS;
        });
    }
}
