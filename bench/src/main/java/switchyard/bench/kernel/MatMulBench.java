package switchyard.bench.kernel;

import switchyard.bench.layer.Median;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;

/**
 * GFLOP/s of the {@link MatMul} implementations on the expert-layer shapes: the forward product
 * {@code y = x·W} (x 4096 tokens × 512, W 512 × 2048), its bias+ReLU form, and the two backward
 * products {@code dW = xᵀ·dy} (k = 4096 tokens) and {@code dx = dy·Wᵀ} (k = 2048). All four are
 * 2·4096·512·2048 ≈ 8.6 GFLOP.
 *
 * <p>Run with {@code java --add-modules jdk.incubator.vector -cp <math classes + EJML jars>
 * switchyard.bench.kernel.MatMulBench [reps] [ejmlReps]}. The first line is the machine's FMA
 * ceiling measured the same way (a register-only loop), so kernel figures can be read as a
 * fraction of what the cores can do at the moment: on shared hosts the ceiling itself moves.
 */
public final class MatMulBench {

    /** Products {@link #gflops} understands. */
    public static final List<String> OPS = List.of("mul", "mulBias", "mulTransA", "mulTransB");

    private MatMulBench() {
    }

    /** The kernels worth comparing here: EJML, and the vector, AVX-512 and AMX kernels that run here, on one thread and on every core. */
    public static List<MatMul> kernels() {
        int cores = Runtime.getRuntime().availableProcessors();
        List<MatMul> kernels = new ArrayList<>();
        kernels.add(MatMuls.ejml());
        List<String> families = new ArrayList<>(List.of("vector"));
        for (String nativeFamily : MatMuls.NATIVE_FLOAT32) {
            if (MatMuls.providedUnavailableReason(nativeFamily) == null) {
                families.add(nativeFamily);
            }
        }
        for (String family : families) {
            kernels.add(MatMuls.byName(family + ":1"));
            if (cores > 1) {
                kernels.add(MatMuls.byName(family + ":" + cores));
            }
        }
        return kernels;
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int ejmlReps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int cores = Runtime.getRuntime().availableProcessors();
        int tokens = 4096;
        int dModel = 512;
        int dHidden = 2048;

        List<MatMul> kernels = kernels();

        System.out.printf(Locale.ROOT, "FMA ceiling: %.1f GFLOP/s on 1 thread, %.1f on %d%n",
                FmaCeiling.gflops(1), FmaCeiling.gflops(cores), cores);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-36s", "GFLOP/s"));
        for (MatMul mm : kernels) {
            header.append(String.format(Locale.ROOT, " %18s", mm.name()));
        }
        System.out.println(header);
        for (String op : OPS) {
            // {m, k, n} of the logical product for this op.
            int[] mkn = switch (op) {
                case "mulTransA" -> new int[] {dModel, tokens, dHidden};
                case "mulTransB" -> new int[] {tokens, dHidden, dModel};
                default -> new int[] {tokens, dModel, dHidden};
            };
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-36s", describe(op, m, k, n)));
            for (MatMul mm : kernels) {
                double g = gflops(mm, m, k, n, op, mm.name().equals("ejml") ? ejmlReps : reps);
                row.append(String.format(Locale.ROOT, " %18.1f", g));
            }
            System.out.println(row);
        }
        System.out.println("GFLOP/s = 2·m·k·n / median time per call, after warm-up.");
    }

    /**
     * Median GFLOP/s of {@code reps} timed calls of {@code op} ({@link #OPS}) producing an [m×n]
     * result over an inner dimension k, after untimed warm-up calls that let the JIT compile the
     * kernel. Operands are random and laid out as the op expects (a is [k×m] for mulTransA, b is
     * [n×k] for mulTransB).
     */
    public static double gflops(MatMul mm, int m, int k, int n, String op, int reps) {
        if (!OPS.contains(op)) {
            throw new IllegalArgumentException("unknown op '" + op + "'; accepted: " + OPS);
        }
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        }
        Random rnd = new Random(42);
        FMatrixRMaj a = op.equals("mulTransA") ? random(k, m, rnd) : random(m, k, rnd);
        FMatrixRMaj b = op.equals("mulTransB") ? random(n, k, rnd) : random(k, n, rnd);
        FMatrixRMaj bias = random(1, n, rnd);
        FMatrixRMaj c = new FMatrixRMaj(m, n);
        // The first call of a fresh JVM runs the kernel interpreted until C2 has compiled it (about
        // ten times slower); a second one makes sure the compiled code is what gets timed.
        int warmups = mm.name().equals("ejml") ? 1 : 2;
        for (int i = 0; i < warmups; i++) {
            call(mm, op, a, b, bias, c);
        }
        double[] rates = new double[reps];
        double flops = 2.0 * m * n * k;
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            call(mm, op, a, b, bias, c);
            rates[i] = flops / (System.nanoTime() - start);
        }
        return Median.of(rates);
    }

    private static void call(MatMul mm, String op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, FMatrixRMaj c) {
        switch (op) {
            case "mul" -> mm.mul(a, b, c, false);
            case "mulBias" -> mm.mulBias(a, b, bias, true, c);
            case "mulTransA" -> mm.mulTransA(a, b, c, false);
            case "mulTransB" -> mm.mulTransB(a, b, c, false);
            default -> throw new IllegalArgumentException(op);
        }
    }

    private static String describe(String op, int m, int k, int n) {
        return switch (op) {
            case "mul" -> String.format(Locale.ROOT, "mul       %dx%d · %dx%d", m, k, k, n);
            case "mulBias" -> String.format(Locale.ROOT, "mulBias   %dx%d · %dx%d +b, relu", m, k, k, n);
            case "mulTransA" -> String.format(Locale.ROOT, "mulTransA %dx%dᵀ · %dx%d", k, m, k, n);
            default -> String.format(Locale.ROOT, "mulTransB %dx%d · %dx%dᵀ", m, k, n, k);
        };
    }

    /** Uniform in [-1, 1). */
    static FMatrixRMaj random(int rows, int cols, Random rnd) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }
}
