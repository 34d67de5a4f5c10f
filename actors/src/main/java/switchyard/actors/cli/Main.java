package switchyard.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchyard} command line. */
@Command(name = "switchyard", mixinStandardHelpOptions = true, version = "switchyard 0.1.0",
        description = "Mixture-of-Experts expert parallelism on Akka: route, exchange, train and measure.",
        subcommands = {SimulateCommand.class, TrainCommand.class, NodeCommand.class, BenchCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // bring logging up on this thread before Akka's threads race to do it (avoids SLF4J's replay notice)
        org.slf4j.LoggerFactory.getLogger(Main.class);
        System.setProperty("java.awt.headless", "true"); // reports draw PNGs; there is never a display
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests drive it through the same object. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        UserErrors errors = new UserErrors();
        cli.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
