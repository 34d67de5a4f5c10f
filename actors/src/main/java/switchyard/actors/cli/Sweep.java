package switchyard.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.report.MetricsLog;
import switchyard.actors.report.RunSummary;
import switchyard.actors.report.SweepReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code simulate --sweep OPTION=V1,V2,...}: the same command once per value, each into its own
 * report, then one page comparing them. Same seed, so every run routes the same tokens.
 */
final class Sweep {
    private Sweep() {}

    /** Options a sweep cannot vary: they decide where and whether the sweep reports. */
    private static final List<String> FIXED = List.of("--sweep", "--report", "--help", "--version", "--progress");

    static int run(CommandSpec spec, String sweep, Path report, NetworkModel net) throws IOException {
        int eq = sweep.indexOf('=');
        if (eq <= 0 || eq == sweep.length() - 1)
            throw new IllegalArgumentException("--sweep must be OPTION=V1,V2,..., e.g. capacity-factor=1,1.25,2; got '" + sweep + "'");
        String name = "--" + sweep.substring(0, eq).replaceFirst("^--", "");
        OptionSpec option = spec.findOption(name);
        if (option == null || FIXED.contains(option.longestName()))
            throw new IllegalArgumentException("--sweep: '" + name + "' is not an option of simulate that a sweep can vary");
        if (option.arity().max() == 0)
            throw new IllegalArgumentException("--sweep: " + name + " is a switch; sweep an option that takes a value");
        if (report == null) throw new IllegalArgumentException("--sweep needs --report DIR for the runs' reports");
        String[] values = sweep.substring(eq + 1).split(",");
        PrintWriter out = spec.commandLine().getOut();
        Map<String, RunSummary> summaries = new LinkedHashMap<>();
        Map<String, List<StepMetrics>> runs = new LinkedHashMap<>();
        for (String raw : values) {
            String value = raw.trim();
            String dir = option.longestName().substring(2) + "=" + value;
            List<String> args = argsWithout(spec, option);
            args.addAll(List.of(option.longestName(), value, "--report", report.resolve(dir).toString(), "--no-progress"));
            out.printf("%n=== sweep %s %s%n", option.longestName(), value);
            out.flush();
            CommandLine run = new CommandLine(new SimulateCommand());
            UserErrors errors = new UserErrors();
            run.setOut(out).setErr(spec.commandLine().getErr()).setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
            int code = run.execute(args.toArray(String[]::new));
            if (code != 0) return code;
            List<StepMetrics> steps = MetricsLog.read(report.resolve(dir).resolve(MetricsLog.FILE));
            runs.put(dir, steps);
            summaries.put(dir, RunSummary.of(steps, net));
        }
        out.println();
        out.print(SweepReport.write(report, option.longestName(), summaries, runs));
        out.println("report: " + report.resolve("index.html"));
        out.flush();
        return 0;
    }

    /** The command's own arguments, less the sweep's and the swept option's. */
    private static List<String> argsWithout(CommandSpec spec, OptionSpec swept) {
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (o == swept || FIXED.contains(o.longestName())) continue;
            if (o.arity().max() == 0) {
                args.add(o.longestName());
            } else {
                for (String v : o.originalStringValues()) args.addAll(List.of(o.longestName(), v));
            }
        }
        return args;
    }
}
