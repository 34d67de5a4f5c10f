package switchyard.actors.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import com.typesafe.config.ConfigException;
import picocli.CommandLine.Model.OptionSpec;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.driver.RunListener;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.report.ReportWriter;
import switchyard.actors.sim.ExpertComputeEstimate;
import switchyard.actors.sim.HeapEstimate;
import switchyard.actors.sim.PlacedRouting;
import switchyard.actors.sim.PlacementOptions;
import switchyard.actors.sim.RoutingOnly;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.sim.StepPrinter;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code switchyard simulate}: W ranks in one JVM train on the synthetic task. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run W ranks in one JVM on a synthetic task and measure routing, traffic and time.",
        description = "Train an expert-parallel MoE layer with W rank actors in one JVM on a synthetic task (inputs from K clusters, each mapped by its own linear map; loss = MSE + aux-weight·l_aux). Prints loss, l_aux, expert load, drops, traffic, phase times and the network model's step estimate per step, a summary table, then a digest of the final parameters that is the same for the same seed and options wherever ranks run. --routing-only studies routing and traffic alone, for hundreds of ranks; --report DIR adds plots and a page. Sizes whose parameters, optimizer state and activations cannot fit the JVM's heap are refused before the run, with the estimate; a loss or gradient that is not a finite number fails the run, naming the step and the rank. Exit codes: 0 done, 1 the run failed, 2 a user error.")
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobMixin job;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Limit for the whole run, in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 3600;

    @Option(names = "--routing-only",
            description = "Route, apply the capacity and account the traffic on every rank in a plain loop: no actors, no experts, no training (the gate keeps its initial weight; loss = router loss). For large clusters, e.g. -W 256 -L 8 -S 4096.")
    boolean routingOnly;

    @Option(names = "--threads", paramLabel = "N", description = "Ranks routed at once with --routing-only, each with a single-threaded matrix kernel (--matmul best means vector there) (default: the cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--expert-flops", paramLabel = "FLOP/S",
            description = "With --routing-only, the experts are not run: their time is estimated as 12·M·H FLOPs per row a rank receives "
                    + "(forward and backward) at this ASSUMED rate per rank, so the estimated step time shows the busiest rank; 0 leaves it out "
                    + "(default: 1e14, i.e. 100 TFLOP/s).")
    Double expertFlops;

    @Mixin
    ReportMixin reporting;

    @Option(names = "--sweep", paramLabel = "OPTION=V1,V2,...",
            description = "Run once per value of one option on the same data and compare, e.g. capacity-factor=1,1.25,2, top-k=1,2 or noise=gumbel,jitter,none. "
                    + "Given twice or more, every combination runs (e.g. --sweep aux=gshard,seq,none --sweep bias-update-rate=0,0.001). "
                    + "Needs --report DIR: each run reports into DIR/OPTION=V (joined by + for combinations) and DIR/index.html compares them.")
    List<String> sweep = List.of();

    @Option(names = "--progress", negatable = true,
            description = "A progress bar (step, loss, tokens/s) on stderr instead of a line per step. Default: only on a terminal.")
    Boolean progress;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file whose settings override the actor system's.")
    Path config;

    @Option(names = {"-v", "--verbose"}, description = "Print every traffic matrix and, on errors, stack traces.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        NetworkModel net = reporting.network();
        if (!sweep.isEmpty()) return Sweep.run(spec, sweep, reporting.report, net);
        Config akka = actorConfig();
        SimulationOptions options = job.toOptions(ExchangeSettings.direct(), akka);
        PlacementOptions placement = job.placement(net, options);
        PlacedRouting placed = new PlacedRouting(placement, options.worldSize(), options.localExperts());
        options = options.withPlacement(placed.placement());
        if (!routingOnly && expertFlops != null)
            throw new IllegalArgumentException("--expert-flops is for --routing-only: the rank actors run and measure their experts");
        ExpertComputeEstimate expertEstimate = new ExpertComputeEstimate(options.modelDim(), options.hiddenDim(),
                expertFlops == null ? ExpertComputeEstimate.ASSUMED_FLOPS : expertFlops);
        if (!routingOnly) {
            HeapEstimate.perRank(options).times(options.worldSize())
                    .requireFits("simulate " + options.sizeFlags(), "this JVM", Runtime.getRuntime().maxMemory());
        }
        PrintWriter out = spec.commandLine().getOut();
        ReportWriter writer = reporting.writer(optionValues(spec), net); // a bad report directory fails before the run
        StepPrinter printer = new StepPrinter(out, options, net, verbose);
        printer.header(routingOnly, MatMuls.describe(MatMuls.byName(options.matmul())),
                ExpertKernels.describe(options.matmul(), options.precision()),
                routingOnly ? List.of("placement policy: " + placement.describe(), "expert compute: " + expertEstimate.describe())
                        : placement.isStatic() ? List.of() : List.of("placement policy: " + placement.describe()));
        RunListener.Outcome outcome;
        try (Progress bar = Progress.wanted(progress) ? new Progress("simulate", options.steps()) : null) {
            Consumer<StepMetrics> onStep = bar != null ? bar : printer::step;
            if (writer != null) onStep = onStep.andThen(writer::step);
            Consumer<PlacedRouting.Change> onPlacement = bar != null ? c -> { } : printer::placement;
            if (writer != null)
                onPlacement = onPlacement.andThen(c -> writer.placement(c.firstUpdate(), c.policy(), c.placement().toString(), c.changed()));
            if (routingOnly) {
                outcome = RoutingOnly.run(options, threads, placed, expertEstimate, onPlacement, onStep);
            } else {
                if (!placement.isStatic()) onPlacement.accept(placed.initial());
                outcome = Simulation.run(options, placed.replanner(onPlacement), akka, onStep, Duration.ofMillis((long) (timeoutSeconds * 1000)));
            }
        }
        printer.summary(outcome);
        if (writer != null) {
            writer.finish(outcome.steps(), outcome.digest(), outcome.failure(), outcome.wallNanos());
            out.println("report: " + reporting.report.resolve(ReportWriter.INDEX));
            out.flush();
        }
        return outcome.succeeded() ? 0 : UserErrors.FAILED;
    }

    private Config actorConfig() {
        if (config == null) return ConfigFactory.load();
        if (!Files.isRegularFile(config)) throw new IllegalArgumentException("config file " + config + " does not exist");
        try {
            return ConfigFactory.parseFile(config.toFile()).withFallback(ConfigFactory.load()).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("config file " + config + ": " + e.getMessage());
        }
    }

    /** Every option of the command as given or defaulted, for the report. */
    static Map<String, String> optionValues(CommandSpec spec) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            Object v = o.getValue();
            values.put(o.longestName(), v == null ? "(unset)" : String.valueOf(v));
        }
        return values;
    }
}
