package switchyard.actors.sim;

import switchyard.actors.checkpoint.JobSignature;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.protocol.Batch;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.rank.RankSettings;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;
import switchyard.math.precision.Precision;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;

/**
 * One simulated training job: W ranks × L experts in one JVM on the clustered-regression task.
 *
 * @param tokens   tokens per rank per step (S)
 * @param exchange   how exchange blocks travel (direct in one JVM; split and paced across nodes)
 * @param checkpoint when to save checkpoints and where to resume from
 * @param sharedExperts shared experts every token passes through on its own rank (0: none)
 * @param sharedHiddenDim their hidden width
 * @param precision  the arithmetic of the expert products (the router is always float32)
 * @param skew       Zipf exponent of the task's cluster frequencies (0: uniform), so that some experts are hot
 * @param placement  where the experts start (null: the static map)
 */
public record SimulationOptions(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int clusters,
                                int steps, int microBatches, boolean pipelined, long seed, RoutingOptions routing,
                                OptimizerSpec optimizer, String matmul, Duration gatherDeadline, ExchangeSettings exchange,
                                CheckpointPlan checkpoint, int sharedExperts, int sharedHiddenDim, Precision precision,
                                double skew, Placement placement) {

    /** Under the static map. */
    public SimulationOptions(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int clusters, int steps,
                             int microBatches, boolean pipelined, long seed, RoutingOptions routing, OptimizerSpec optimizer,
                             String matmul, Duration gatherDeadline, ExchangeSettings exchange, CheckpointPlan checkpoint,
                             int sharedExperts, int sharedHiddenDim, Precision precision, double skew) {
        this(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches, pipelined, seed, routing,
                optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, precision, skew, null);
    }

    /** Clusters drawn uniformly. */
    public SimulationOptions(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int clusters, int steps,
                             int microBatches, boolean pipelined, long seed, RoutingOptions routing, OptimizerSpec optimizer,
                             String matmul, Duration gatherDeadline, ExchangeSettings exchange, CheckpointPlan checkpoint,
                             int sharedExperts, int sharedHiddenDim, Precision precision) {
        this(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches, pipelined, seed, routing,
                optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, precision, 0);
    }

    /** In float32. */
    public SimulationOptions(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int clusters, int steps,
                             int microBatches, boolean pipelined, long seed, RoutingOptions routing, OptimizerSpec optimizer,
                             String matmul, Duration gatherDeadline, ExchangeSettings exchange, CheckpointPlan checkpoint,
                             int sharedExperts, int sharedHiddenDim) {
        this(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches, pipelined, seed, routing,
                optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, Precision.FP32);
    }

    /** Without shared experts. */
    public SimulationOptions(int worldSize, int localExperts, int tokens, int modelDim, int hiddenDim, int clusters, int steps,
                             int microBatches, boolean pipelined, long seed, RoutingOptions routing, OptimizerSpec optimizer,
                             String matmul, Duration gatherDeadline, ExchangeSettings exchange, CheckpointPlan checkpoint) {
        this(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches, pipelined, seed, routing,
                optimizer, matmul, gatherDeadline, exchange, checkpoint, 0, hiddenDim);
    }

    /** Defaults that train visibly in a few seconds. */
    public static SimulationOptions defaults() {
        return new SimulationOptions(2, 2, 512, 64, 256, 8, 40, 1, false, 42,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.003"),
                "best", Duration.ofSeconds(60), ExchangeSettings.direct(), CheckpointPlan.none());
    }

    public SimulationOptions {
        if (worldSize < 1 || worldSize > 1024) throw new IllegalArgumentException("ranks must be in 1..1024, got " + worldSize);
        if (localExperts < 1) throw new IllegalArgumentException("experts per rank must be >= 1, got " + localExperts);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (microBatches < 1) throw new IllegalArgumentException("micro-batches must be >= 1, got " + microBatches);
        if (routing.kind() == RoutingKind.TOKEN_CHOICE && routing.topK() > worldSize * localExperts)
            throw new IllegalArgumentException("top-" + routing.topK() + " needs at least " + routing.topK()
                    + " experts, but ranks × experts-per-rank = " + worldSize * localExperts);
        routing.requireFits(worldSize * localExperts);
        if (sharedExperts < 0 || sharedExperts > 64) throw new IllegalArgumentException("shared experts must be in 0..64, got " + sharedExperts);
        if (sharedHiddenDim < 1) throw new IllegalArgumentException("shared experts' hidden dim must be >= 1, got " + sharedHiddenDim);
        new ClusteredRegression.Spec(seed, clusters, modelDim, tokens, skew); // validates the task's numbers
        if (hiddenDim < 1) throw new IllegalArgumentException("hidden dim must be >= 1, got " + hiddenDim);
        if (checkpoint == null) checkpoint = CheckpointPlan.none();
        if (precision == null) precision = Precision.FP32;
        if (skew == 0) skew = 0; // -0.0 is no skew too
        if (placement == null) placement = Placement.staticMap(worldSize, localExperts);
        if (placement.ranks() != worldSize || placement.localExperts() != localExperts)
            throw new IllegalArgumentException("a placement of W=" + placement.ranks() + " L=" + placement.localExperts()
                    + " for a job of W=" + worldSize + " L=" + localExperts);
    }

    public int experts() { return worldSize * localExperts; }

    public SimulationOptions withExchange(ExchangeSettings e) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, e, checkpoint, sharedExperts, sharedHiddenDim, precision, skew, placement);
    }

    public SimulationOptions withCheckpoint(CheckpointPlan c) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, exchange, c, sharedExperts, sharedHiddenDim, precision, skew, placement);
    }

    public SimulationOptions withSteps(int n) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, n, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, precision, skew, placement);
    }

    public SimulationOptions withRouting(RoutingOptions r) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, r, optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, precision, skew, placement);
    }

    public SimulationOptions withShared(int n, int hidden) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, exchange, checkpoint, n, hidden, precision, skew, placement);
    }

    public SimulationOptions withSkew(double z) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, precision, z, placement);
    }

    public SimulationOptions withPrecision(Precision p) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, p, skew, placement);
    }

    /** The same job with the experts starting where {@code p} puts them. */
    public SimulationOptions withPlacement(Placement p) {
        return new SimulationOptions(worldSize, localExperts, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing, optimizer, matmul, gatherDeadline, exchange, checkpoint, sharedExperts, sharedHiddenDim, precision, skew, p);
    }

    /** The job's sizes as the command-line flags that give them, e.g. "-W 8 -L 2 -S 4096 -M 512 -H 2048". */
    public String sizeFlags() {
        return "-W " + worldSize + " -L " + localExperts + " -S " + tokens + " -M " + modelDim + " -H " + hiddenDim
                + (sharedExperts == 0 ? "" : " --shared-experts " + sharedExperts + " --shared-hidden " + sharedHiddenDim)
                + (microBatches == 1 ? "" : " --micro-batches " + microBatches + (pipelined ? " --pipelined" : ""));
    }

    public ClusteredRegression.Spec task() {
        return new ClusteredRegression.Spec(seed, clusters, modelDim, tokens, skew);
    }

    /**
     * Rank r's settings; a first Dispatch may run a few updates' worth of micro-batches ahead, and
     * every rank routes S tokens a step (each micro-batch is one step of S tokens).
     */
    public RankSettings rankSettings(int rank) {
        return new RankSettings(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, 4 * microBatches + 4, matmul, exchange, sharedExperts, sharedHiddenDim, precision, tokens, placement);
    }

    /** The driver's plan: every rank draws its batch from the synthetic task's spec. */
    public TrainingPlan plan() {
        Batch batch = new Batch.Synthetic(task());
        // a step may legitimately take a while on big shapes; every gather has its own deadline too
        return new TrainingPlan(steps, microBatches, pipelined, true, (step, rank) -> batch, gatherDeadline.multipliedBy(4),
                checkpoint.withJob(signature()));
    }

    /**
     * What a checkpoint of this job holds and a resume must match: the shape, the seed, the optimizer,
     * the precision and every routing option. Not in it, since a resumed run may change them: the
     * steps, the data (S, clusters, skew, micro-batches), the kernels (--matmul, --wire) and the
     * exchange.
     */
    public JobSignature signature() {
        return JobSignature.builder().put("ranks", worldSize).put("experts-per-rank", localExperts).put("experts", experts())
                .put("model-dim", modelDim).put("hidden-dim", hiddenDim).put("seed", seed).put("shared-experts", sharedExperts)
                .put("shared-hidden", sharedExperts == 0 ? null : sharedHiddenDim).put("optimizer", optimizer)
                .put("precision", precision.label()).routing(routing).build();
    }
}
