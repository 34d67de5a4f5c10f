package switchyard.bench.jmh;

import org.ejml.data.FMatrixRMaj;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The layer's hot products at the large configuration's shapes (one expert's share of a step:
 * 1024 rows, M=512, H=2048), for each kernel. Reports milliseconds per product; GFLOP/s is
 * 2·m·k·n / time. Run: see the README's Performance section. Kernels are picked by name through
 * {@link MatMuls#byName}, so any name it accepts can be passed with {@code -p kernel=...}; the
 * defaults are the kernels every CPU runs, and {@code -p kernel=avx512:1,avx512:2} or
 * {@code -p kernel=amx:1,amx:2} adds a native kernel where the CPU has it (the benchmark jar
 * carries the native module).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmarks {
    @Param({"vector:1", "vector:2", "ejml"})
    public String kernel;

    private MatMul mm;
    private FMatrixRMaj x, w1, b1, hidden, dHidden, dW1, dx;

    @Setup
    public void setUp() {
        mm = MatMuls.byName(kernel);
        SplittableRandom random = new SplittableRandom(1);
        x = random(1024, 512, random);
        w1 = random(512, 2048, random);
        b1 = random(1, 2048, random);
        hidden = new FMatrixRMaj(1024, 2048);
        dHidden = random(1024, 2048, random);
        dW1 = new FMatrixRMaj(512, 2048);
        dx = new FMatrixRMaj(1024, 512);
    }

    /** Forward first layer with its fused bias + ReLU epilogue: relu(x·W1 + b1). */
    @Benchmark
    public FMatrixRMaj forwardBiasRelu() {
        mm.mulBias(x, w1, b1, true, hidden);
        return hidden;
    }

    /** Weight gradient: dW1 = xᵀ·dHidden. */
    @Benchmark
    public FMatrixRMaj weightGradient() {
        mm.mulTransA(x, dHidden, dW1, false);
        return dW1;
    }

    /** Input gradient: dx = dHidden·W1ᵀ. */
    @Benchmark
    public FMatrixRMaj inputGradient() {
        mm.mulTransB(dHidden, w1, dx, false);
        return dx;
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return m;
    }
}
