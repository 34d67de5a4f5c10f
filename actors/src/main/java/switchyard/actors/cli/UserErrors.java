package switchyard.actors.cli;

import picocli.CommandLine;

/**
 * A mistake in what the user asked for (a bad value, an impossible shape, a missing file) is one
 * line on stderr and exit code 2, never a stack trace; {@code --verbose} adds the trace for bug
 * reports. That holds for flags picocli cannot parse as well as for values our code rejects.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int USER_ERROR = 2;
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = verbose(parsed);
        if (e instanceof IllegalArgumentException) {
            cli.getErr().println("switchyard: " + e.getMessage());
            if (verbose) e.printStackTrace(cli.getErr());
            return USER_ERROR;
        }
        cli.getErr().println("switchyard: internal error: " + e);
        if (verbose) e.printStackTrace(cli.getErr());
        else cli.getErr().println("(run again with --verbose for details)");
        return FAILED;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        cli.getErr().println("switchyard: " + e.getMessage() + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
        for (String arg : args) if (arg.equals("--verbose") || arg.equals("-v")) e.printStackTrace(cli.getErr());
        return USER_ERROR;
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }
}
