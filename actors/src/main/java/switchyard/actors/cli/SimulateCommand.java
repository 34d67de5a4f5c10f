package switchyard.actors.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import switchyard.actors.rank.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.sim.StepPrinter;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code switchyard simulate}: W ranks in one JVM train on the synthetic task. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an expert-parallel MoE layer with W rank actors in one JVM on a synthetic task",
                "(inputs from K clusters, each mapped by its own linear map; loss = MSE + aux-weight·l_aux).",
                "Prints loss, l_aux, expert load, drops, traffic and phase times per step, then a digest",
                "of the final parameters that is the same for the same seed and options wherever ranks run."})
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-W", "--ranks"}, paramLabel = "W", description = "Ranks (default: ${DEFAULT-VALUE}).")
    int ranks = 2;

    @Option(names = {"-L", "--experts-per-rank"}, paramLabel = "L", description = "Experts on each rank (default: ${DEFAULT-VALUE}).")
    int expertsPerRank = 2;

    @Option(names = {"-S", "--tokens"}, paramLabel = "S", description = "Tokens per rank per step (default: ${DEFAULT-VALUE}).")
    int tokens = 512;

    @Option(names = {"-M", "--model-dim"}, paramLabel = "M", description = "Model width (default: ${DEFAULT-VALUE}).")
    int modelDim = 64;

    @Option(names = {"-H", "--hidden-dim"}, paramLabel = "H", description = "Expert hidden width (default: ${DEFAULT-VALUE}).")
    int hiddenDim = 256;

    @Option(names = "--clusters", paramLabel = "K", description = "Clusters in the synthetic task (default: ${DEFAULT-VALUE}).")
    int clusters = 8;

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

    @Option(names = "--matmul", paramLabel = "KERNEL", description = "best, vector, vector:N (N threads) or ejml (default: ${DEFAULT-VALUE}).")
    String matmul = "best";

    @Option(names = "--deadline", paramLabel = "SECONDS", description = "Deadline of every gather, in seconds (default: ${DEFAULT-VALUE}).")
    double deadlineSeconds = 60;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Limit for the whole run, in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 3600;

    @Option(names = {"-v", "--verbose"}, description = "Print every traffic matrix and, on errors, stack traces.")
    boolean verbose;

    @Mixin
    RoutingMixin routing;

    @Override
    public Integer call() {
        if (!(deadlineSeconds > 0)) throw new IllegalArgumentException("--deadline must be positive, got " + deadlineSeconds);
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        SimulationOptions options = new SimulationOptions(ranks, expertsPerRank, tokens, modelDim, hiddenDim, clusters,
                steps, microBatches, pipelined, seed, routing.toOptions(), OptimizerSpec.parse(optimizer), matmul,
                Duration.ofMillis((long) (deadlineSeconds * 1000)), ExchangeSettings.direct());
        switchyard.math.linalg.MatMuls.byName(matmul); // fail on a bad kernel name before any actor starts
        PrintWriter out = spec.commandLine().getOut();
        StepPrinter printer = new StepPrinter(out, options, verbose);
        printer.header();
        Config config = ConfigFactory.load();
        Simulation.Outcome outcome = Simulation.run(options, config, printer::step,
                Duration.ofMillis((long) (timeoutSeconds * 1000)));
        printer.summary(outcome);
        return outcome.succeeded() ? 0 : UserErrors.FAILED;
    }
}
