package switchyard.actors.cli;

import switchyard.actors.driver.RunListener;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import switchyard.actors.rank.ExchangeSettings;
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

    @Mixin
    JobMixin job;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Limit for the whole run, in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 3600;

    @Option(names = {"-v", "--verbose"}, description = "Print every traffic matrix and, on errors, stack traces.")
    boolean verbose;

    @Override
    public Integer call() {
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        Config config = ConfigFactory.load();
        SimulationOptions options = job.toOptions(ExchangeSettings.direct(), config);
        PrintWriter out = spec.commandLine().getOut();
        StepPrinter printer = new StepPrinter(out, options, verbose);
        printer.header();
        RunListener.Outcome outcome = Simulation.run(options, config, printer::step,
                Duration.ofMillis((long) (timeoutSeconds * 1000)));
        printer.summary(outcome);
        return outcome.succeeded() ? 0 : UserErrors.FAILED;
    }
}
