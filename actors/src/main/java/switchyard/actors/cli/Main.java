package switchyard.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ServiceLoader;
import java.util.Set;

/**
 * The {@code switchyard} command line. Its own commands run a job ({@code simulate}, {@code train},
 * {@code node}) or redraw a report; commands from other modules ({@code bench}) come through
 * {@link CommandSource}.
 */
@Command(name = "switchyard", mixinStandardHelpOptions = true, version = "switchyard 0.1.0",
        description = "Mixture-of-Experts expert parallelism on Akka: route, exchange, train and measure.")
public final class Main implements Runnable {

    /** The commands of this module; any other first argument may be another module's. */
    private static final Set<String> OWN = Set.of("simulate", "train", "node", "report", "credentials");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // bring logging up on this thread before Akka's threads race to do it (avoids SLF4J's replay notice)
        org.slf4j.LoggerFactory.getLogger(Main.class);
        System.setProperty("java.awt.headless", "true"); // reports draw PNGs; there is never a display
        System.exit(commandLine(args).execute(args));
    }

    /** The full command line, every module's commands included; tests drive it through the same object. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for {@code args}: when they name one of this module's commands, without
     * looking for the others (a rank node loads no benchmark code).
     */
    public static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand(new SimulateCommand());
        cli.addSubcommand(new TrainCommand());
        cli.addSubcommand(new NodeCommand());
        cli.addSubcommand(new CredentialsCommand());
        if (args.length == 0 || !OWN.contains(args[0])) {
            for (CommandSource source : ServiceLoader.load(CommandSource.class, Main.class.getClassLoader())) {
                cli.addSubcommand(source.name(), source.command());
            }
        }
        cli.addSubcommand(new ReportCommand());
        cli.addSubcommand(new CommandLine.HelpCommand());
        UserErrors errors = new UserErrors();
        cli.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
