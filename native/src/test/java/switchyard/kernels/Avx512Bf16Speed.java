package switchyard.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.VectorMatMul;
import switchyard.math.precision.Bf16Operands;

/**
 * A throwaway measurement, not a test: the expert layer's six products (forward with bias+ReLU,
 * and the backward's transposed ones) on the AVX512-BF16 kernel, the float32 vector kernel and the
 * bfloat16 fallback on it, 1 and 2 threads, next to the VDPBF16PS register ceiling measured in the
 * same run. Prints GFLOP/s (best and median of a few repetitions). Run from the native module:
 * {@code java --add-modules jdk.incubator.vector -cp <test class path> switchyard.kernels.Avx512Bf16Speed [reps] [T d H]}.
 */
public final class Avx512Bf16Speed {

    private Avx512Bf16Speed() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int t = args.length > 3 ? Integer.parseInt(args[1]) : 8192;
        int d = args.length > 3 ? Integer.parseInt(args[2]) : 512;
        int h = args.length > 3 ? Integer.parseInt(args[3]) : 2048;
        Random rnd = new Random(1);
        FMatrixRMaj x = random(t, d, rnd);
        FMatrixRMaj w1 = random(d, h, rnd);
        FMatrixRMaj b1 = random(1, h, rnd);
        FMatrixRMaj hid = random(t, h, rnd);
        FMatrixRMaj w2 = random(h, d, rnd);
        FMatrixRMaj dy = random(t, d, rnd);
        FMatrixRMaj dh = random(t, h, rnd);
        FMatrixRMaj outTh = new FMatrixRMaj(t, h);
        FMatrixRMaj outTd = new FMatrixRMaj(t, d);
        FMatrixRMaj outHd = new FMatrixRMaj(h, d);
        FMatrixRMaj outDh = new FMatrixRMaj(d, h);
        String[] names = {
                "mulBias+ReLU [T×d]·[d×H]", "mul [T×H]·[H×d]", "mulTransA [T×H]ᵀ·[T×d]",
                "mulTransB [T×d]·[H×d]ᵀ", "mulTransA [T×d]ᵀ·[T×H]", "mulTransB [T×H]·[d×H]ᵀ"};
        List<Product> products = List.of(
                mm -> mm.mulBias(x, w1, b1, true, outTh),
                mm -> mm.mul(hid, w2, outTd, false),
                mm -> mm.mulTransA(hid, dy, outHd, false),
                mm -> mm.mulTransB(dy, w2, outTh, false),
                mm -> mm.mulTransA(x, dh, outDh, false),
                mm -> mm.mulTransB(dh, w1, outTd, false));
        List<MatMul> kernels = List.of(Avx512Bf16MatMul.withThreads(1), Avx512Bf16MatMul.withThreads(2),
                VectorMatMul.singleThreaded(), VectorMatMul.withThreads(2),
                new Bf16Operands(VectorMatMul.singleThreaded()), new Bf16Operands(VectorMatMul.withThreads(2)));
        double flops = 2.0 * t * d * h;
        System.out.printf("T=%d d=%d H=%d, %.2f GFLOP per product, %d repetitions%n", t, d, h, flops * 1e-9, reps);
        System.out.printf("VDPBF16PS ceiling: %.0f GFLOP/s on 1 thread, %.0f on 2%n", ceiling(1), ceiling(2));
        for (int p = 0; p < products.size(); p++) {
            System.out.println(names[p]);
            for (MatMul mm : kernels) {
                double[] rates = new double[reps];
                products.get(p).run(mm); // warm-up: JIT, buffers
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    products.get(p).run(mm);
                    rates[r] = flops / (System.nanoTime() - t0);
                }
                Arrays.sort(rates);
                System.out.printf("  %-44s best %6.1f  median %6.1f GFLOP/s%n", mm.name(), rates[reps - 1], rates[reps / 2]);
            }
        }
        System.out.printf("VDPBF16PS ceiling again: %.0f GFLOP/s on 1 thread, %.0f on 2%n", ceiling(1), ceiling(2));
        System.exit(0);
    }

    private interface Product {
        void run(MatMul mm);
    }

    /** dotLoop on {@code threads} threads at once, best of three: GFLOP/s of all of them together. */
    private static double ceiling(int threads) throws Exception {
        int rounds = Avx512Bf16MatMul.DOT_LOOP_MAX_ROUNDS;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            for (int attempt = 0; attempt < 3; attempt++) {
                List<Callable<Float>> loops = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    loops.add(() -> Avx512Bf16MatMul.dotLoop(rounds));
                }
                long t0 = System.nanoTime();
                for (Future<Float> f : pool.invokeAll(loops)) {
                    if (f.get() != 48f * rounds) {
                        throw new IllegalStateException("dot loop returned " + f.get());
                    }
                }
                best = Math.max(best, threads * rounds * Avx512Bf16MatMul.DOT_LOOP_FLOPS_PER_ROUND / (System.nanoTime() - t0));
            }
            return best;
        } finally {
            pool.shutdown();
        }
    }

    private static FMatrixRMaj random(int rows, int cols, Random rnd) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextFloat() * 2f - 1f;
        }
        return m;
    }
}
