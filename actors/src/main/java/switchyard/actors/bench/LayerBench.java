package switchyard.actors.bench;

import com.typesafe.config.Config;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.protocol.Batch;
import switchyard.actors.rank.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.bench.LayerConfig;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.MatMulMeter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Throughput of the whole actor layer: W rank actors, real scatter/gather, random tokens. Tokens/s
 * count the tokens of all ranks; the first steps warm the JIT up and are not counted.
 */
public final class LayerBench {
    private LayerBench() {}

    /**
     * Forward and forward+backward (with an SGD update) tokens/s of one configuration, and the
     * expert products' rates during each (null when not metered, e.g. across JVMs).
     */
    public record Result(LayerConfig config, int worldSize, double forwardTokensPerSecond, double fwdBwdTokensPerSecond,
                         Gemm forwardGemm, Gemm fwdBwdGemm) {}

    /**
     * The layer's products during the measured steps: GFLOP/s while at least one product was
     * running (what to hold against the same shapes in isolation), and the products' flops over
     * the steps' whole wall time (the layer's effective multiply rate).
     */
    public record Gemm(double gflopsWhileMultiplying, double gflopsOverWall) {}

    /** One measured run: tokens/s over the counted steps and, if metered, its products. */
    private record Measured(double tokensPerSecond, Gemm gemm) {}

    /** A job of this shape; the experts are spread evenly over the ranks. */
    public static SimulationOptions job(LayerConfig config, int worldSize, String matmul, ExchangeSettings exchange) {
        if (config.experts() % worldSize != 0)
            throw new IllegalArgumentException(config + " has E=" + config.experts() + " experts, not divisible by W=" + worldSize);
        return new SimulationOptions(worldSize, config.experts() / worldSize, config.tokens(), config.modelDim(), config.hiddenDim(),
                1, 1, 1, false, 1, RoutingOptions.reference(), OptimizerSpec.parse("sgd:lr=0.0001"), matmul,
                Duration.ofMinutes(5), exchange, CheckpointPlan.none());
    }

    /** The plan: {@code steps} updates of random tokens, forward only or training. */
    public static TrainingPlan plan(LayerConfig config, int steps, boolean training) {
        Batch batch = new Batch.Noise(1, config.tokens(), config.modelDim());
        return new TrainingPlan(steps, 1, false, training, (step, rank) -> batch, Duration.ofMinutes(20), null);
    }

    /** In this JVM, with every product metered. */
    public static Result measure(LayerConfig config, int worldSize, String matmul, Config akka, int warmups, int steps) {
        SimulationOptions job = job(config, worldSize, "metered:" + matmul, ExchangeSettings.direct());
        Measured forward = metered(config, job, akka, warmups, steps, false);
        Measured fwdBwd = metered(config, job, akka, warmups, steps, true);
        return new Result(config, worldSize, forward.tokensPerSecond(), fwdBwd.tokensPerSecond(), forward.gemm(), fwdBwd.gemm());
    }

    private static Measured metered(LayerConfig config, SimulationOptions job, Config akka, int warmups, int steps, boolean training) {
        MatMulMeter meter = MatMulMeter.shared();
        AtomicReference<MatMulMeter.Reading> start = new AtomicReference<>(meter.read());
        AtomicInteger done = new AtomicInteger();
        RunListener.Outcome outcome = Simulation.run(job, plan(config, warmups + steps, training), akka, step -> {
            if (done.incrementAndGet() == warmups) start.set(meter.read());
        }, Duration.ofHours(1));
        MatMulMeter.Reading used = meter.read().since(start.get());
        long[] tokensAndNanos = counted(outcome, warmups);
        return new Measured(tokensAndNanos[0] / (tokensAndNanos[1] / 1e9),
                new Gemm(used.gflopsWhileBusy(), used.flops() / tokensAndNanos[1]));
    }

    /** Measures with any runner (one JVM, or a cluster driver); products are not metered. */
    public static Result measure(LayerConfig config, int worldSize, int warmups, int steps,
                                 BiFunction<TrainingPlan, SimulationOptions, RunListener.Outcome> runner, SimulationOptions job) {
        long[] forward = counted(runner.apply(plan(config, warmups + steps, false), job), warmups);
        long[] fwdBwd = counted(runner.apply(plan(config, warmups + steps, true), job), warmups);
        return new Result(config, worldSize, forward[0] / (forward[1] / 1e9), fwdBwd[0] / (fwdBwd[1] / 1e9), null, null);
    }

    /** Tokens and wall nanoseconds of the steps after the warm-up ones. */
    private static long[] counted(RunListener.Outcome outcome, int warmups) {
        if (!outcome.succeeded()) throw new IllegalStateException("benchmark run failed: " + outcome.failure());
        List<StepMetrics> counted = outcome.steps().subList(warmups, outcome.steps().size());
        long tokens = 0, nanos = 0;
        for (StepMetrics m : counted) {
            tokens += m.tokens();
            nanos += m.wallNanos();
        }
        return new long[] {tokens, nanos};
    }
}
