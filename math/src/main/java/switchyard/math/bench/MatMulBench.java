package switchyard.math.bench;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;

import java.util.SplittableRandom;

/** GFLOP/s of one multiply shape, measured after a warm-up; the output buffer is reused as in the layer. */
public final class MatMulBench {
    private MatMulBench() {}

    /**
     * @param op {@code mul} (c = a·b, a [m×k]), {@code mulTransA} (c = aᵀ·b, a [k×m]),
     *           {@code mulTransB} (c = a·bᵀ, b [n×k]) or {@code mulBias} (ReLU epilogue)
     * @return 2·m·n·k floating-point operations per product, per second, in units of 10^9
     */
    public static double gflops(MatMul mm, int m, int k, int n, String op, int reps) {
        SplittableRandom random = new SplittableRandom(1);
        FMatrixRMaj a = switch (op) {
            case "mulTransA" -> random(k, m, random);
            default -> random(m, k, random);
        };
        FMatrixRMaj b = op.equals("mulTransB") ? random(n, k, random) : random(k, n, random);
        FMatrixRMaj bias = random(1, n, random);
        FMatrixRMaj c = new FMatrixRMaj(m, n);
        Runnable product = switch (op) {
            case "mul" -> () -> mm.mul(a, b, c, false);
            case "mulTransA" -> () -> mm.mulTransA(a, b, c, false);
            case "mulTransB" -> () -> mm.mulTransB(a, b, c, false);
            case "mulBias" -> () -> mm.mulBias(a, b, bias, true, c);
            default -> throw new IllegalArgumentException("unknown op '" + op + "' (mul, mulTransA, mulTransB, mulBias)");
        };
        for (int i = 0; i < Math.max(1, reps / 2); i++) product.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) product.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return 2.0 * m * n * k * reps / seconds / 1e9;
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom random) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) (random.nextDouble() * 2 - 1);
        return x;
    }
}
