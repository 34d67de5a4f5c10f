package switchyard.bench.kernel;

import switchyard.kernels.AmxMatMul;

import switchyard.bench.kernel.CeilingRounds;
import switchyard.bench.kernel.FmaCeiling;

/**
 * The AMX tile unit's throughput right now: tile products on operands held in tile registers, no
 * memory traffic, on each thread at once. Where products run on tiles it is the machine's limit,
 * not {@link FmaCeiling}; it moves with the neighbours of a shared host, so it is measured in the
 * same run as the figures read against it. The AMX kernel spends three tile products (bf16x3) on
 * one float32 product, so a float32 multiply can reach at most a third of it.
 */
public final class TileCeiling {

    /** Tile products of one run: long enough to time, short enough to repeat, and exact in float32 (see AmxMatMul.tileLoop). */
    private static final int ROUNDS = 400_000;
    /** Tile products the AMX kernel spends per float32 product. */
    public static final int TILE_PRODUCTS_PER_FLOAT32_PRODUCT = 3;

    private TileCeiling() {
    }

    /**
     * Best of a few rounds, in bfloat16 GFLOP/s summed over {@code threads} threads running at once.
     *
     * @throws IllegalStateException when this process cannot run tiles ({@link AmxMatMul#available}), or a run did not do every product
     */
    public static double bf16Gflops(int threads) {
        return CeilingRounds.bestGflops(threads, () -> {
            float sum = AmxMatMul.tileLoop(ROUNDS);
            if (sum != 32f * ROUNDS) {
                throw new IllegalStateException("the tile loop summed " + sum + ", not " + 32f * ROUNDS);
            }
            return AmxMatMul.TILE_LOOP_FLOPS_PER_ROUND * ROUNDS;
        });
    }
}
