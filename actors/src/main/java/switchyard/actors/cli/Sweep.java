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
 * report, then one page comparing them. Same seed, so every run routes the same tokens. With
 * several sweeps every combination of their values runs.
 */
final class Sweep {
    private Sweep() {}

    /** Options a sweep cannot vary: they decide where and whether the sweep reports. */
    private static final List<String> FIXED = List.of("--sweep", "--report", "--help", "--version", "--progress");

    /** One swept option and its values. */
    private record Axis(OptionSpec option, List<String> values) {
        String label(String value) {
            return option.longestName().substring(2) + "=" + value;
        }
    }

    static int run(CommandSpec spec, List<String> sweeps, Path report, NetworkModel net) throws IOException {
        List<Axis> axes = new ArrayList<>();
        for (String sweep : sweeps) {
            Axis axis = axis(spec, sweep);
            for (Axis a : axes) {
                if (a.option() == axis.option()) throw new IllegalArgumentException("--sweep: " + a.option().longestName() + " is swept twice");
            }
            axes.add(axis);
        }
        if (report == null) throw new IllegalArgumentException("--sweep needs --report DIR for the runs' reports");
        PrintWriter out = spec.commandLine().getOut();
        Map<String, RunSummary> summaries = new LinkedHashMap<>();
        Map<String, List<StepMetrics>> runs = new LinkedHashMap<>();
        for (List<String> values : combinations(axes)) {
            List<String> args = argsWithout(spec, axes);
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < axes.size(); i++) {
                args.addAll(List.of(axes.get(i).option().longestName(), values.get(i)));
                labels.add(axes.get(i).label(values.get(i)));
            }
            String dir = String.join("+", labels);
            args.addAll(List.of("--report", report.resolve(dir).toString(), "--no-progress"));
            out.printf("%n=== sweep %s%n", String.join(" ", labels));
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
        String swept = String.join(" × ", axes.stream().map(a -> a.option().longestName()).toList());
        out.print(SweepReport.write(report, swept, summaries, runs));
        out.println("report: " + report.resolve("index.html"));
        out.flush();
        return 0;
    }

    private static Axis axis(CommandSpec spec, String sweep) {
        int eq = sweep.indexOf('=');
        if (eq <= 0 || eq == sweep.length() - 1)
            throw new IllegalArgumentException("--sweep must be OPTION=V1,V2,..., e.g. capacity-factor=1,1.25,2; got '" + sweep + "'");
        String name = "--" + sweep.substring(0, eq).replaceFirst("^--", "");
        OptionSpec option = spec.findOption(name);
        if (option == null || FIXED.contains(option.longestName()))
            throw new IllegalArgumentException("--sweep: '" + name + "' is not an option of simulate that a sweep can vary");
        if (option.arity().max() == 0)
            throw new IllegalArgumentException("--sweep: " + name + " is a switch; sweep an option that takes a value");
        List<String> values = new ArrayList<>();
        for (String raw : sweep.substring(eq + 1).split(",")) {
            String value = raw.trim();
            if (value.isEmpty()) throw new IllegalArgumentException("--sweep " + sweep + ": an empty value");
            if (values.contains(value)) throw new IllegalArgumentException("--sweep " + sweep + ": '" + value + "' is given twice");
            values.add(value);
        }
        return new Axis(option, values);
    }

    /** Every combination of the axes' values, the first axis varying slowest. */
    private static List<List<String>> combinations(List<Axis> axes) {
        List<List<String>> combinations = List.of(List.of());
        for (Axis axis : axes) {
            List<List<String>> longer = new ArrayList<>();
            for (List<String> prefix : combinations) {
                for (String v : axis.values()) {
                    List<String> c = new ArrayList<>(prefix);
                    c.add(v);
                    longer.add(c);
                }
            }
            combinations = longer;
        }
        return combinations;
    }

    /** The command's own arguments, less the sweep's and the swept options'. */
    private static List<String> argsWithout(CommandSpec spec, List<Axis> axes) {
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (axes.stream().anyMatch(a -> a.option() == o) || FIXED.contains(o.longestName())) continue;
            if (o.arity().max() == 0) {
                args.add(o.longestName());
            } else {
                for (String v : o.originalStringValues()) args.addAll(List.of(o.longestName(), v));
            }
        }
        return args;
    }
}
