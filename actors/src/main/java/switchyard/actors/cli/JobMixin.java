package switchyard.actors.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import switchyard.actors.checkpoint.ResumePoint;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.network.Topology;
import switchyard.actors.sim.PlacementOptions;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.Precision;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What defines a training job: shapes, data, steps, seed, routing, optimizer. Shared by
 * {@code simulate} (one JVM) and the cluster driver, so the same flags give the same digest.
 */
final class JobMixin {
    @Option(names = {"-W", "--ranks"}, paramLabel = "W", description = "Ranks (default: ${DEFAULT-VALUE}).")
    int ranks = 2;

    @Option(names = {"-L", "--experts-per-rank"}, paramLabel = "L", description = "Experts on each rank (default: ${DEFAULT-VALUE}).")
    int expertsPerRank = 2;

    @Option(names = {"-S", "--tokens"}, paramLabel = "S", description = "Tokens per rank per step (default: ${DEFAULT-VALUE}).")
    int tokens = 512;

    @Option(names = {"-M", "--model-dim"}, paramLabel = "M", description = "Model width: floats per token, 4·M bytes per row on the wire (default: ${DEFAULT-VALUE}).")
    int modelDim = 64;

    @Option(names = {"-H", "--hidden-dim"}, paramLabel = "H", description = "Expert hidden width, floats (default: ${DEFAULT-VALUE}).")
    int hiddenDim = 256;

    @Option(names = "--clusters", paramLabel = "K", description = "Clusters in the synthetic task (default: ${DEFAULT-VALUE}).")
    int clusters = 8;

    @Option(names = "--skew", paramLabel = "Z", description = "Skew of the synthetic task: cluster k is drawn with probability ∝ 1/(k+1)^Z (Zipf's law), "
            + "so a few clusters, and the experts that learn them, are hot; 0 draws clusters uniformly (default: ${DEFAULT-VALUE}).")
    double skew = 0;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer updates (default: ${DEFAULT-VALUE}).")
    int steps = 40;

    @Option(names = "--micro-batches", paramLabel = "N", description = "Steps whose gradients make one update (default: ${DEFAULT-VALUE}).")
    int microBatches = 1;

    @Option(names = "--pipelined", description = "Keep all micro-batches of an update in flight at once.")
    boolean pipelined;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed for parameters, data and noise (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--optimizer", paramLabel = "SPEC", description = "sgd[:lr=X,momentum=Y] or adam[:lr=X] (default: ${DEFAULT-VALUE}).")
    String optimizer = "adam:lr=0.003";

    @Option(names = "--matmul", paramLabel = "KERNEL", description = "best (AMX where the CPU has it, else avx512, else vector), amx, amx:N, avx512, avx512:N, vector, vector:N (N threads) "
            + "or ejml (default: ${DEFAULT-VALUE}). amx sums float32 products as three bfloat16 products (relative error about 2^-16 per term); "
            + "vector is exact float32, and avx512 (native, faster) gives its bits.")
    String matmul = "best";

    @Option(names = "--precision", paramLabel = "P", description = "Arithmetic of the expert products: fp32, or bf16 (operands rounded to bfloat16, "
            + "float32 accumulation; router, losses, reductions, optimizer and master weights stay float32) (default: ${DEFAULT-VALUE}).")
    String precision = "fp32";

    @Option(names = "--wire", paramLabel = "E", description = "Encoding of the all-to-all's rows (dispatched tokens, expert outputs, both gradients): fp32, "
            + "or bf16 (rounded to bfloat16 where they leave each rank: half the bytes) (default: ${DEFAULT-VALUE}).")
    String wire = "fp32";

    @Option(names = "--deadline", paramLabel = "SECONDS",
            description = "Deadline of every gather, in seconds (default: switchyard.gather-deadline of the configuration, 60 s). "
                    + "On a cluster it must be longer than switchyard.acceptable-pause (15 s).")
    Double deadlineSeconds;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Save checkpoints here, each in its own DIR/step-N directory (every rank writes rank-<r>.ckpt, the driver "
                    + "the manifest last); with several machines, a shared directory (default: no checkpoints).")
    String checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Save after every N updates as well as after the last (default: only after the last).")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "K",
            description = "Complete checkpoints kept in --checkpoint-dir, the newest; older ones are deleted once a newer one is complete (default: ${DEFAULT-VALUE}).")
    int keepCheckpoints = CheckpointPlan.DEFAULT_KEEP;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Resume from the newest complete checkpoint in DIR (a --checkpoint-dir, or one of its step-N directories) and "
                    + "continue up to --steps updates in all; the shape, seed, optimizer, precision and routing options must be the "
                    + "checkpoint's; ranks may sit on other nodes than before (default: start afresh).")
    String resume;

    @Option(names = "--shared-experts", paramLabel = "N", description = "Shared experts every token passes through on its own rank, replicated like the gate (default: ${DEFAULT-VALUE}).")
    int sharedExperts = 0;

    @Option(names = "--shared-hidden", paramLabel = "H", description = "Hidden width of the shared experts (default: -H).")
    Integer sharedHidden;

    @Option(names = "--placement", paramLabel = "POLICY",
            description = "Where the experts live: static (expert e on rank e / L), greedy (replicas to the hottest experts, then heaviest first "
                    + "onto the least-loaded rank) or hierarchical (expert groups onto nodes first, as DeepSeek's EPLB). The ranks move experts, "
                    + "with their optimizer state, at the update boundary after every re-plan (default: ${DEFAULT-VALUE}).")
    String placement = PlacementOptions.STATIC;

    @Option(names = "--redundant-experts", paramLabel = "R",
            description = "Spare expert slots per rank, filled with replicas of the hottest experts; needs greedy or hierarchical (default: ${DEFAULT-VALUE}).")
    int redundantExperts = 0;

    @Option(names = "--placement-ema", paramLabel = "A",
            description = "Weight of the newest update in the load the placement plans for (tokens per expert, an exponential moving average), "
                    + "in (0, 1]; 1 plans for the last update alone (default: ${DEFAULT-VALUE}).")
    double placementEma = PlacementOptions.DEFAULT_EMA;

    @Option(names = "--replan-every", paramLabel = "N",
            description = "Re-plan the placement after every N updates, at the update boundary (default: ${DEFAULT-VALUE} updates).")
    int replanEvery = PlacementOptions.DEFAULT_REPLAN_EVERY;

    @Option(names = "--placement-ranks-per-node", paramLabel = "G",
            description = "Ranks per node for --placement hierarchical (default: G of --network ...topology=2level:G).")
    Integer ranksPerNode;

    @Mixin
    RoutingMixin routing;

    /**
     * The placement options, checked against each other and the job. Hierarchical placement takes its
     * nodes from the network model's 2level groups, so the nodes it plans for are the ones the model
     * prices, and its expert groups from a group-limited routing (else every expert is its own group).
     */
    PlacementOptions placement(NetworkModel network, SimulationOptions job) {
        boolean hierarchical = placement.equalsIgnoreCase("hierarchical");
        Integer fromNetwork = network.topology() instanceof Topology.TwoLevel t ? t.groupSize() : null;
        if (ranksPerNode != null && !hierarchical)
            throw new IllegalArgumentException("--placement-ranks-per-node is for --placement hierarchical, not " + placement);
        if (ranksPerNode != null && fromNetwork != null && !ranksPerNode.equals(fromNetwork))
            throw new IllegalArgumentException("--placement-ranks-per-node " + ranksPerNode + " contradicts --network topology=2level:" + fromNetwork);
        int nodeSize = 0, groups = 0;
        if (hierarchical) {
            Integer g = ranksPerNode != null ? ranksPerNode : fromNetwork;
            if (g == null)
                throw new IllegalArgumentException("--placement hierarchical needs nodes: give --network ...,topology=2level:G or --placement-ranks-per-node G");
            nodeSize = g;
            var r = job.routing();
            groups = r.groups() > 1 && r.topkGroups() < r.groups() ? r.groups() : job.experts();
        }
        PlacementOptions p = new PlacementOptions(placement, redundantExperts, placementEma, replanEvery, nodeSize, groups);
        // a plan the job cannot hold fails now, with the planner's own words, not after the first update
        p.planner().plan(new double[job.experts()], job.worldSize(), job.localExperts(), p.redundant());
        return p;
    }

    SimulationOptions toOptions(ExchangeSettings exchange, com.typesafe.config.Config config) {
        Duration deadline = deadlineSeconds == null ? config.getDuration("switchyard.gather-deadline")
                : Duration.ofMillis((long) (deadlineSeconds * 1000));
        if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("--deadline must be positive, got " + deadlineSeconds);
        MatMuls.byName(matmul); // a bad kernel name fails here, before any actor starts
        Precision.parse(precision); // so does a bad precision
        exchange = exchange.withRows(RowEncoding.parse(wire)); // and a bad wire encoding
        if (checkpointDir != null) Directories.requireWritable(Path.of(checkpointDir), "--checkpoint-dir " + checkpointDir);
        SimulationOptions job = new SimulationOptions(ranks, expertsPerRank, tokens, modelDim, hiddenDim, clusters, steps, microBatches,
                pipelined, seed, routing.toOptions(), OptimizerSpec.parse(optimizer), matmul, deadline, exchange,
                new CheckpointPlan(checkpointDir, checkpointEvery, keepCheckpoints, resume, null), sharedExperts,
                sharedHidden == null ? hiddenDim : sharedHidden, Precision.parse(precision), skew);
        // a --resume with no complete checkpoint, or one of another job, fails here too
        if (resume != null) ResumePoint.find(Path.of(resume)).requireMatches(job.worldSize(), job.signature());
        return job;
    }
}
