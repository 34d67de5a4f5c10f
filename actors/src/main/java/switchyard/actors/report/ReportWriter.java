package switchyard.actors.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.protocol.Phase;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report directory: {@code metrics.jsonl} grows one line per update while the run goes on; at the
 * end {@code summary.json}, the plots and {@code index.html} are written from it.
 */
public final class ReportWriter implements AutoCloseable {
    public static final String SUMMARY = "summary.json";
    public static final String INDEX = "index.html";

    private final Path dir;
    private final Map<String, String> options;
    private final NetworkModel network;
    private final BufferedWriter metrics;
    // plain values, not the sim's types: the simulator prints with this package, so it must not need the simulator
    private int pendingUpdate = -1; // the update whose line gets pendingPlacement
    private String pendingPlacement;
    private String policy;
    private String lastPlacement;
    private int replans;

    /** @param options the run's options, name → value, shown in the report and kept in summary.json */
    public ReportWriter(Path dir, Map<String, String> options, NetworkModel network) {
        this.dir = dir;
        this.options = new LinkedHashMap<>(options);
        this.network = network;
        try {
            Files.createDirectories(dir);
            this.metrics = Files.newBufferedWriter(dir.resolve(MetricsLog.FILE));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the report to " + dir + ": " + e.getMessage());
        }
    }

    /**
     * A placement that takes effect at update {@code firstUpdate} (0-based; 0 is the first placement,
     * later ones are re-plans): its text goes into that update's line of metrics.jsonl if it
     * changed (only then, to keep the lines small), the last one into summary.json.
     */
    public synchronized void placement(int firstUpdate, String policy, String placement, boolean changed) {
        if (firstUpdate > 0) replans++;
        this.policy = policy;
        lastPlacement = placement;
        if (changed) {
            pendingUpdate = firstUpdate;
            pendingPlacement = placement;
        }
    }

    /** Appends one update; safe to call from the actor thread that reports steps. */
    public synchronized void step(StepMetrics m) {
        String placement = null;
        if (pendingPlacement != null && pendingUpdate == m.update()) {
            placement = pendingPlacement;
            pendingPlacement = null;
        }
        try {
            metrics.write(MetricsLog.line(m, network.estimate(m), placement));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Closes the metrics and renders the rest; returns the summary, or null if no update completed.
     *
     * @param digest  the final parameters' digest, null if there is none
     * @param failure why the run failed, null if it did not
     */
    public RunSummary finish(List<StepMetrics> steps, String digest, String failure, long wallNanos) throws IOException {
        close();
        JsonObject end = new JsonObject();
        end.addProperty("succeeded", failure == null);
        if (digest != null) end.addProperty("digest", digest);
        if (failure != null) end.addProperty("failure", failure);
        end.addProperty("wall_s", wallNanos / 1e9);
        if (lastPlacement != null) {
            JsonObject p = new JsonObject();
            p.addProperty("policy", policy);
            p.addProperty("replans", replans);
            p.addProperty("final", lastPlacement);
            end.add("placement", p);
        }
        if (steps.isEmpty()) return null;
        return render(dir, steps, options, network, end);
    }

    @Override
    public synchronized void close() throws IOException {
        metrics.close();
    }

    /**
     * {@code switchyard report DIR}: redraws everything from {@code metrics.jsonl}, with the options
     * the run recorded and its network, or {@code networkSpec} when given (the same traffic priced
     * on another network).
     */
    public static RunSummary rerender(Path dir, String networkSpec) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no report directory " + dir);
        List<StepMetrics> steps = MetricsLog.read(dir.resolve(MetricsLog.FILE));
        Map<String, String> options = new LinkedHashMap<>();
        JsonObject end = new JsonObject();
        Path summary = dir.resolve(SUMMARY);
        if (Files.exists(summary)) {
            JsonObject previous = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
            if (previous.has("options"))
                previous.getAsJsonObject("options").entrySet().forEach(e -> options.put(e.getKey(), e.getValue().getAsString()));
            if (previous.has("outcome")) end = previous.getAsJsonObject("outcome");
        }
        String spec = networkSpec != null ? networkSpec : options.getOrDefault("--network", NetworkModel.DEFAULT_SPEC);
        if (networkSpec != null) options.put("--network", networkSpec);
        return render(dir, steps, options, NetworkModel.parse(spec), end);
    }

    private static RunSummary render(Path dir, List<StepMetrics> steps, Map<String, String> options, NetworkModel network,
                                     JsonObject outcome) throws IOException {
        RunSummary s = RunSummary.of(steps, network);
        JsonObject json = new JsonObject();
        JsonObject opts = new JsonObject();
        options.forEach(opts::addProperty);
        json.add("options", opts);
        json.add("summary", json(s));
        json.add("outcome", outcome);
        Files.writeString(dir.resolve(SUMMARY), new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n");
        Plots.writeAll(dir, steps);
        List<Plots.Plot> plots = new ArrayList<>(Plots.of(steps));
        // from the file, not from memory: a redraw and the run's own report then draw the same placements
        plots.addAll(PlacementPlots.writeAll(dir, steps, PlacementChange.read(dir.resolve(MetricsLog.FILE))));
        Files.writeString(dir.resolve(INDEX), HtmlIndex.page(options, s, describe(outcome), plots));
        return s;
    }

    private static String describe(JsonObject outcome) {
        if (!outcome.has("succeeded")) return "";
        if (!outcome.get("succeeded").getAsBoolean())
            return "The run FAILED: " + (outcome.has("failure") ? outcome.get("failure").getAsString() : "(no reason recorded)");
        return outcome.has("digest") ? "The run finished; digest " + outcome.get("digest").getAsString() + "." : "The run finished.";
    }

    private static JsonObject json(RunSummary s) {
        JsonObject o = new JsonObject();
        o.addProperty("steps", s.steps());
        o.addProperty("loss_first", s.firstLoss());
        o.addProperty("loss_last", s.lastLoss());
        o.addProperty("load_mean", s.meanLoad());
        o.addProperty("load_worst", s.worstLoad());
        o.addProperty("dropped_pct", s.droppedPercent());
        o.addProperty("rank_load_imbalance", s.rankLoadImbalance());
        o.addProperty("bytes_per_step", s.bytesPerStep());
        o.addProperty("wall_s_per_step", s.wallSecondsPerStep());
        o.addProperty("tokens_per_s", s.tokensPerSecond());
        JsonObject phases = new JsonObject();
        for (Phase p : Phase.values()) phases.addProperty(MetricsLog.key(p), s.phaseMillis()[p.ordinal()]);
        o.add("phase_ms_per_rank", phases);
        JsonObject net = MetricsLog.json(s.network().mean());
        net.addProperty("model", s.network().model());
        o.add("network", net);
        return o;
    }
}
