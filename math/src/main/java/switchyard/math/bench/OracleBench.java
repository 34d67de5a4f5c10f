package switchyard.math.bench;

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

    public static Result measure(LayerConfig config, int worldSize, MatMul mm, int warmups, int reps) {
        OracleLayer layer = new OracleLayer(config, worldSize, mm);
        double tokens = layer.tokensPerStep();
        // At least `warmups` steps, and at least two seconds: small steps take milliseconds, and
        // until C2 has compiled them the Vector-API code allocates a box per vector operation.
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < warmups || System.nanoTime() < warmupEnd; i++) layer.trainStep();
        for (int i = 0; i < warmups; i++) layer.forward(); // forward alone runs on its own compiled paths
        AllocationMeter.Snapshot a0 = AllocationMeter.snapshot();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) layer.forward();
        long t1 = System.nanoTime();
        double forwardBytes = a0.bytesSince();
        AllocationMeter.Snapshot a1 = AllocationMeter.snapshot();
        long t2 = System.nanoTime();
        for (int i = 0; i < reps; i++) layer.trainStep();
        long t3 = System.nanoTime();
        double fwdBwdBytes = a1.bytesSince();
        return new Result(config, worldSize, tokens * reps / ((t1 - t0) / 1e9), tokens * reps / ((t3 - t2) / 1e9),
                AllocationMeter.perTokenStep(forwardBytes, layer.tokensPerStep(), reps),
                AllocationMeter.perTokenStep(fwdBwdBytes, layer.tokensPerStep(), reps));
    }
}
