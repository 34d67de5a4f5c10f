package switchyard.bench.layer;

import switchyard.math.linalg.MatMul;

/**
 * Throughput and allocation of the single-process oracle layer: forward, and forward+backward with
 * an SGD update, in tokens per second counting the tokens of every folded rank, and in bytes
 * allocated (all threads) per token per step.
 */
public final class OracleBench {
    /** Least time a benchmark warms up for, whatever its step count (see measure). */
    public static final long WARMUP_NANOS = 2_000_000_000L;

    private OracleBench() {}

    /** Measured throughput and allocation of one configuration. */
    public record Result(LayerConfig config, int worldSize, double forwardTokensPerSecond, double fwdBwdTokensPerSecond,
                         double forwardAllocBytesPerTokenStep, double fwdBwdAllocBytesPerTokenStep) {}

    /**
     * Measures forward and forward+backward steps of one configuration, each over {@code window}
     * (its step count from the time of one warm step).
     */
    public static Result measure(LayerConfig config, int worldSize, MatMul mm, MatMul expertMm, int warmups, Window window) {
        OracleLayer layer = new OracleLayer(config, worldSize, mm, expertMm);
        double tokens = layer.tokensPerStep();
        // At least `warmups` steps, and at least two seconds: small steps take milliseconds, and
        // until C2 has compiled them the Vector-API code allocates a box per vector operation.
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < warmups || System.nanoTime() < warmupEnd; i++) layer.trainStep();
        for (int i = 0; i < warmups; i++) layer.forward(); // forward alone runs on its own compiled paths
        int forwardReps = window.stepsTimed(layer::forward);
        int trainReps = window.stepsTimed(layer::trainStep);
        AllocationMeter.Snapshot a0 = AllocationMeter.snapshot();
        long t0 = System.nanoTime();
        for (int i = 0; i < forwardReps; i++) layer.forward();
        long t1 = System.nanoTime();
        double forwardBytes = a0.bytesSince();
        AllocationMeter.Snapshot a1 = AllocationMeter.snapshot();
        long t2 = System.nanoTime();
        for (int i = 0; i < trainReps; i++) layer.trainStep();
        long t3 = System.nanoTime();
        double fwdBwdBytes = a1.bytesSince();
        return new Result(config, worldSize, tokens * forwardReps / ((t1 - t0) / 1e9), tokens * trainReps / ((t3 - t2) / 1e9),
                AllocationMeter.perTokenStep(forwardBytes, layer.tokensPerStep(), forwardReps),
                AllocationMeter.perTokenStep(fwdBwdBytes, layer.tokensPerStep(), trainReps));
    }
}
