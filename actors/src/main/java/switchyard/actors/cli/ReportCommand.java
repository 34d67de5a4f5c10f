package switchyard.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import switchyard.actors.report.ReportWriter;
import switchyard.actors.report.RunSummary;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code switchyard report DIR}: redraw a report's plots, summary and page from its metrics.jsonl. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Re-render a report directory (plots, summary, index.html) from its metrics.jsonl.",
        description = "Rewrites the plots, summary.json and index.html of DIR from DIR/metrics.jsonl, with the options the "
                + "run recorded; --network prices the same traffic on another network. "
                + "Exit codes: 0 done, 2 a user error (no such directory, a malformed metrics.jsonl, a bad --network).")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A directory written by simulate --report.")
    Path dir;

    @Option(names = "--network", paramLabel = "SPEC",
            description = "Price the recorded traffic on this network instead of the run's (syntax as in simulate --network).")
    String network;

    @Option(names = {"-v", "--verbose"}, description = "On errors, print stack traces.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        RunSummary summary = ReportWriter.rerender(dir, network);
        PrintWriter out = spec.commandLine().getOut();
        out.print(summary.table());
        out.println("report: " + dir.resolve(ReportWriter.INDEX));
        out.flush();
        return 0;
    }
}
