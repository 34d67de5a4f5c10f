package switchyard.actors.cli;

import picocli.CommandLine;

/**
 * A mistake in what the user asked for (a bad value, an impossible shape) is one line on stderr
 * and exit code 2, never a stack trace; {@code --verbose} adds the trace for bug reports.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {
    static final int USER_ERROR = 2;
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
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
}
