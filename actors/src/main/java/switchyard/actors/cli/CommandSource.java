package switchyard.actors.cli;

/**
 * A subcommand that lives in another module, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/switchyard.actors.cli.CommandSource}): the benchmarks, whose module
 * depends on this one. {@link Main} only looks for them when the command line does not name one of
 * its own commands, so a node never loads them.
 */
public interface CommandSource {
    /** The subcommand's name on the command line. */
    String name();

    /** A fresh picocli command object for it. */
    Object command();
}
