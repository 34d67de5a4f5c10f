package switchyard.bench.layer;

import com.typesafe.config.Config;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.protocol.Batch;
import switchyard.actors.report.PhaseTimes;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.precision.Precision;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Median;
import switchyard.bench.layer.OracleBench;
import switchyard.bench.layer.Window;
import switchyard.math.linalg.MatMulMeter;

import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Throughput and allocation of the whole actor layer: W rank actors, real scatter/gather, random
 * tokens. Tokens/s count the tokens of all ranks; the first steps warm the JIT up and are not
 * counted. Allocation is what every thread of the JVM allocated over the counted steps, per token
 * (all ranks) per step.
 */
public final class LayerBench {
    private LayerBench() {}

    /** Batches each rank draws once and uses in turn. */
    static final int DISTINCT_BATCHES = 2;

    /**
     * Forward and forward+backward (with an SGD update) tokens/s and bytes allocated per token per
     * step of one configuration, its products' rates, and where the measured steps' time went; the
     * allocation figures are NaN and the product rates null when the ranks ran in other JVMs.
     */
    public record Result(LayerConfig config, int worldSize, double forwardTokensPerSecond, double fwdBwdTokensPerSecond,
                         double forwardAllocBytesPerTokenStep, double fwdBwdAllocBytesPerTokenStep,
                         Gemm forwardGemm, Gemm fwdBwdGemm, PhaseTimes forwardPhases, PhaseTimes fwdBwdPhases) {}

    /**
     * The layer's products during the measured steps (null when not metered, e.g. across JVMs):
     * GFLOP/s while at least one product was running (what to hold against the same shapes in
     * isolation), and the products' flops over the steps' whole wall time (the layer's effective
     * multiply rate).
     */
    public record Gemm(double gflopsWhileMultiplying, double gflopsOverWall, double productsAtOnce) {}

    /** A job of this configuration; the experts are spread evenly over the ranks. */
    public static SimulationOptions job(LayerConfig config, int worldSize, String matmul, ExchangeSettings exchange) {
        return new SimulationOptions(worldSize, config.expertsPerRank(worldSize), config.tokens(), config.modelDim(), config.hiddenDim(),
                1, 1, 1, false, 1, config.routing(), OptimizerSpec.parse("sgd:lr=0.0001"), matmul,
                Duration.ofMinutes(5), exchange, CheckpointPlan.none()).withShared(config.sharedExperts(), config.sharedHiddenDim());
    }

    /**
     * The plan: {@code steps} updates of random tokens, forward only or training. Each rank draws two
     * batches on the first (warm-up) step and uses them in turn, as the NumPy peer does before its
     * clock starts: the figures time the layer, not the random number generator.
     */
    public static TrainingPlan plan(LayerConfig config, int steps, boolean training) {
        Batch batch = new Batch.Noise(1, config.tokens(), config.modelDim(), DISTINCT_BATCHES);
        return new TrainingPlan(steps, 1, false, training, (step, rank) -> batch, Duration.ofMinutes(20), null);
    }

    /**
     * Measures W ranks in this JVM: throughput, allocation, and every product through a
     * {@code metered:} kernel; forward and forward+backward each over {@code window} (its step
     * count from the warm-up's step times).
     */
    public static Result measure(LayerConfig config, int worldSize, String matmul, Precision precision, Config akka, int warmups, Window window) {
        SimulationOptions job = job(config, worldSize, "metered:" + matmul, ExchangeSettings.direct()).withPrecision(precision);
        // Training runs until at least as long as the oracle's warm-up has passed: a small step takes
        // milliseconds, and a fixed few of them can end before C2 has compiled the step's
        // Vector-API code, whose boxes would then count in the first configuration measured.
        long warm = System.nanoTime() + OracleBench.WARMUP_NANOS;
        double[] stepNanos = new double[2]; // forward, training: the last warm-up's median step
        do {
            for (int kind = 0; kind < 2; kind++) { // forward alone runs on its own compiled paths
                RunListener.Outcome outcome = Simulation.run(job, plan(config, Math.max(1, warmups), kind == 1), akka, m -> { }, Duration.ofHours(1));
                if (!outcome.succeeded()) throw new IllegalStateException("benchmark warm-up failed: " + outcome.failure());
                stepNanos[kind] = Median.of(outcome.steps().stream().mapToDouble(StepMetrics::wallNanos).toArray());
            }
        } while (System.nanoTime() < warm);
        Figure forward = inThisJvm(config, job, akka, warmups, window.steps(stepNanos[0]), false);
        Figure fwdBwd = inThisJvm(config, job, akka, warmups, window.steps(stepNanos[1]), true);
        return new Result(config, worldSize, forward.tokensPerSecond, fwdBwd.tokensPerSecond,
                forward.allocBytesPerTokenStep, fwdBwd.allocBytesPerTokenStep, forward.gemm, fwdBwd.gemm,
                forward.phases, fwdBwd.phases);
    }

    /** Measures throughput with any runner (one JVM, or a cluster driver); allocation is not measured. */
    public static Result measure(LayerConfig config, int worldSize, int warmups, int steps,
                                 BiFunction<TrainingPlan, SimulationOptions, RunListener.Outcome> runner, SimulationOptions job) {
        List<StepMetrics> forward = counted(runner.apply(plan(config, warmups + steps, false), job), warmups, steps);
        List<StepMetrics> fwdBwd = counted(runner.apply(plan(config, warmups + steps, true), job), warmups, steps);
        return new Result(config, worldSize, tokensPerSecond(forward), tokensPerSecond(fwdBwd), Double.NaN, Double.NaN, null, null,
                PhaseTimes.of(forward), PhaseTimes.of(fwdBwd));
    }

    private record Figure(double tokensPerSecond, double allocBytesPerTokenStep, Gemm gemm, PhaseTimes phases) {}

    private static Figure inThisJvm(LayerConfig config, SimulationOptions job, Config akka, int warmups, int steps, boolean training) {
        MeasuredWindow window = new MeasuredWindow(warmups, steps);
        TrainingPlan plan = plan(config, warmups + steps + 1, training); // one update past the window: see MeasuredWindow
        RunListener.Outcome outcome = Simulation.run(job, plan, akka, window, Duration.ofHours(1));
        List<StepMetrics> counted = counted(outcome, warmups, steps);
        long nanos = wallNanos(counted);
        MatMulMeter.Reading products = window.products();
        Gemm gemm = products == null ? null : new Gemm(products.gflopsWhileBusy(), products.flops() / nanos, products.productsAtOnce());
        double alloc = window.perTokenStep((long) config.tokens() * job.worldSize());
        if (alloc > Double.parseDouble(System.getProperty("switchyard.alloc.report", "1024"))) System.err.printf("allocation of %.0f B/token/step (%s, W=%d, %s): most by %s%n",
                alloc, config.name(), job.worldSize(), training ? "fwd+bwd" : "forward", window.heaviest());
        return new Figure(tokensPerSecond(counted), alloc, gemm, PhaseTimes.of(counted));
    }

    /** The steps after the warm-up ones, which the figures count. */
    private static List<StepMetrics> counted(RunListener.Outcome outcome, int warmups, int steps) {
        if (!outcome.succeeded()) throw new IllegalStateException("benchmark run failed: " + outcome.failure());
        return outcome.steps().subList(warmups, warmups + steps);
    }

    private static double tokensPerSecond(List<StepMetrics> steps) {
        long tokens = 0;
        for (StepMetrics m : steps) tokens += m.tokens();
        return tokens / (wallNanos(steps) / 1e9);
    }

    private static long wallNanos(List<StepMetrics> steps) {
        long nanos = 0;
        for (StepMetrics m : steps) nanos += m.wallNanos();
        return nanos;
    }
}
