package switchyard.kernels;

import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.PooledMatMul;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.linalg.WorkerPool;

/**
 * {@link MatMul} on Intel AMX tiles, for float32 operands: each is split into two bfloat16 halves
 * (x = hi + lo) and the product summed as hi·hi + hi·lo + lo·hi in float32 ("bf16x3"). Against
 * exact float32 arithmetic that drops about 2⁻¹⁶ of each term's magnitude, below the rounding of
 * a float32 sum of a few hundred terms; the vector kernel stays available for bit-exact float32
 * ({@code --matmul vector}). Products too small to fill tiles (under
 * {@link #PARALLEL_MIN_FLOPS}) run on the vector kernel.
 *
 * <p>Threads share rectangles of C through the same {@link WorkerPool} as {@link VectorMatMul}, so
 * results are bit-identical for any thread count. Runs only where {@link #available()}: an x86-64
 * Linux CPU with AMX-BF16 and a build that compiled the native kernel (see src/main/c). Math finds
 * it at run time through {@link AmxKernelProvider}, under the names {@code amx} and {@code amx:N}.
 */
public final class AmxMatMul extends PooledMatMul {

    /** 2·m·n·k under which a product runs on the vector kernel instead. */
    private final long tileMinFlops;
    /** Bfloat16 operands ({@code --precision bf16}): one tile product per step, every size on tiles. */
    private final boolean bf16;

    private AmxMatMul(int threads, long tileMinFlops, boolean bf16) {
        super(threads);
        this.tileMinFlops = tileMinFlops;
        this.bf16 = bf16;
    }

    /** True when this process can run the AMX kernel. */
    public static boolean available() {
        return AmxNative.UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, in words for a log line; null when it is true. */
    public static String unavailableReason() {
        return AmxNative.UNAVAILABLE;
    }

    /** Bfloat16 floating-point operations of one round of {@link #tileLoop}: four 16×16×32 tile products. */
    public static final double TILE_LOOP_FLOPS_PER_ROUND = 4.0 * 2 * 16 * 16 * 32;

    /**
     * The tile unit alone, for measuring its ceiling: {@code rounds} rounds of four tile products
     * on operands held in tile registers, no memory traffic. Returns one accumulator element,
     * which is exactly 32·rounds when every product ran (rounds below 2¹⁹).
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     */
    public static float tileLoop(int rounds) {
        if (!available()) {
            throw new IllegalStateException("the AMX kernel cannot run here: " + unavailableReason());
        }
        if (rounds < 1 || rounds >= 1 << 19) {
            throw new IllegalArgumentException("tile loop rounds must be in 1.." + ((1 << 19) - 1) + ", got " + rounds);
        }
        return AmxNative.tileLoop(rounds);
    }

    /**
     * Shares large products over {@code threads} threads, like {@link VectorMatMul#withThreads}.
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     */
    public static AmxMatMul withThreads(int threads) {
        return create(threads, PARALLEL_MIN_FLOPS, false);
    }

    /**
     * Products with bfloat16 operands and float32 accumulation ({@code --precision bf16}): each
     * operand rounded to nearest even, one tile product per step. Every size runs on tiles, since
     * the vector kernel would multiply in float32. Math finds it as the kernel {@code amx-bf16}.
     *
     * @throws IllegalStateException when the kernel cannot run here, with the reason
     */
    public static AmxMatMul bf16WithThreads(int threads) {
        return create(threads, 0, true);
    }

    /**
     * Runs every product on tiles, however small: for tests that must hold the tile kernel itself
     * to awkward shapes and to the reference vectors, whose products are all tiny.
     */
    public static AmxMatMul forAllSizes(int threads) {
        return create(threads, 0, false);
    }

    private static AmxMatMul create(int threads, long tileMinFlops, boolean bf16) {
        if (!available()) {
            throw new IllegalStateException("the AMX kernel cannot run here: " + unavailableReason());
        }
        return new AmxMatMul(threads, tileMinFlops, bf16);
    }

    @Override
    protected void product(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb, float[] c,
                           int m, int n, int k, boolean accumulate, float[] bias, boolean relu, WorkerPool pool) {
        if (2L * m * n * k < tileMinFlops) {
            VectorMatMul.run(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, pool);
        } else {
            AmxProduct.local().run(a, transA, lda, b, transB, ldb, c, m, n, k, accumulate, bias, relu, bf16, pool);
        }
    }

    @Override
    public String name() {
        String threads = threads() == 1 ? "1 thread" : threads() + " threads";
        if (bf16) return "amx-bf16(" + threads + ")";
        return "amx-bf16x3(" + threads + (tileMinFlops == 0 ? ", all sizes)" : ")");
    }
}
