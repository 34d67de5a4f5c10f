package switchyard.bench.jmh;

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
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.OracleLayer;
import switchyard.math.linalg.MatMuls;

import java.util.concurrent.TimeUnit;

/**
 * One step of the oracle layer (every folded rank) at the benchmark configurations: forward alone,
 * and forward + backward + SGD update. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the
 * bytes one step allocates; divide by S·W for bytes per token per step. Run: see the README's
 * Performance section.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LayerStepBenchmarks {
    @Param({"small", "large"})
    public String config;

    @Param({"2"})
    public int world;

    private OracleLayer layer;

    @Setup
    public void setUp() {
        layer = new OracleLayer(LayerConfig.byName(config), world, MatMuls.best());
    }

    /** Routing, dispatch, experts and combine of every rank. */
    @Benchmark
    public void forward() {
        layer.forward();
    }

    /** Forward, the full backward, and an SGD update of every gate replica and expert. */
    @Benchmark
    public void trainStep() {
        layer.trainStep();
    }
}
