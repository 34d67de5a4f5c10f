package switchyard.actors.cli;

import com.typesafe.config.Config;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import switchyard.actors.cluster.ClusterNode;
import switchyard.actors.cluster.ExpertFrames;
import switchyard.actors.cluster.FailureDetection;
import switchyard.actors.driver.RunListener;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.report.ReportWriter;
import switchyard.actors.sim.PlacedRouting;
import switchyard.actors.sim.PlacementOptions;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.sim.StepPrinter;

import java.io.PrintWriter;
import java.time.Duration;

/** The job options and the run of a cluster driver (shared by {@code node --role driver} and {@code train}). */
final class DriverMixin {
    @Mixin
    JobMixin job;

    @Option(names = "--keep-nodes", description = "Leave the rank nodes running when the job ends (default: stop them).")
    boolean keepNodes;

    @Option(names = "--elastic", description = "Survive a lost rank node: its ranks move to the surviving rank nodes, every rank "
            + "restores the newest complete checkpoint (needs --checkpoint-dir, on storage every node reaches) and the run goes on "
            + "to the digest of an uninterrupted one. "
            + "A node that comes back takes its ranks back after the next checkpoint. "
            + "Without it a lost node fails the run, naming it.")
    boolean elastic;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Limit for the whole job, in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 3600;

    @Option(names = {"-v", "--verbose"}, description = "Print every traffic matrix and, on errors, stack traces.")
    boolean verbose;

    @Mixin
    ReportMixin reporting;

    int run(Config config, CommandLine cli) {
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        SimulationOptions options = job.toOptions(ClusterNode.exchange(config), config);
        if (elastic && options.checkpoint().dir() == null)
            throw new IllegalArgumentException("--elastic restores the newest checkpoint after a lost node: give --checkpoint-dir DIR"
                    + " (and --checkpoint-every N, or it holds only the final one)");
        PlacementOptions placement = job.placement(reporting.network(), options);
        PlacedRouting placed = new PlacedRouting(placement, options.worldSize(), options.localExperts());
        options = options.withPlacement(placed.placement());
        ExpertFrames.requireFit(options, !placement.isStatic(), placement.redundant() > 0, config);
        FailureDetection.of(config).requireOutlasts("the gather deadline (--deadline, or switchyard.gather-deadline)",
                options.gatherDeadline());
        PrintWriter out = cli.getOut();
        NetworkModel net = reporting.network();
        StepPrinter printer = new StepPrinter(out, options, net, verbose);
        printer.header(false, options.matmul() + " (each rank node resolves it for itself)",
                options.precision().label() + " (each rank node picks its kernel for itself)",
                placement.isStatic() ? java.util.List.of() : java.util.List.of("placement policy: " + placement.describe()));
        ReportWriter writer = reporting.writer(SimulateCommand.optionValues(cli.getCommandSpec()), net);
        java.util.function.Consumer<switchyard.actors.driver.StepMetrics> onStep = printer::step;
        if (writer != null) onStep = onStep.andThen(writer::step);
        java.util.function.Consumer<PlacedRouting.Change> onPlacement = printer::placement;
        if (writer != null)
            onPlacement = onPlacement.andThen(c -> writer.placement(c.firstUpdate(), c.policy(), c.placement().toString(), c.changed()));
        if (!placement.isStatic()) onPlacement.accept(placed.initial());
        RunListener.Outcome outcome = ClusterNode.runDriver(config, options, placed.replanner(onPlacement), !keepNodes,
                Duration.ofMillis((long) (timeoutSeconds * 1000)), onStep, elastic, printer::recovered);
        printer.summary(outcome);
        if (writer != null) {
            try {
                writer.finish(outcome.steps(), outcome.digest(), outcome.failure(), outcome.wallNanos());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot write a report to " + reporting.report + ": " + e.getMessage());
            }
            out.println("report: " + reporting.report.resolve(ReportWriter.INDEX));
        }
        if (!outcome.succeeded() && outcome.failure().contains("could not join the cluster"))
            throw new IllegalArgumentException(outcome.failure());
        return outcome.succeeded() ? 0 : UserErrors.FAILED;
    }
}
