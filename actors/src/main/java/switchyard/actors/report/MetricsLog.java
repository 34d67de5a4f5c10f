package switchyard.actors.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.jsonl}: one JSON object per update with every metric, enough to rebuild the
 * {@link StepMetrics} (so {@code switchyard report} can redraw the plots, and price the traffic on
 * another network). Keys are listed in {@link #KEYS} and in the README; {@code placement} appears only
 * on the lines of updates where the run's placement changed.
 */
public final class MetricsLog {
    private MetricsLog() {}

    public static final String FILE = "metrics.jsonl";

    /** Every key of every line, in order. */
    public static final List<String> KEYS = List.of("step", "loss", "task_loss", "l_aux", "tokens", "capacity", "slots",
            "tokens_per_expert", "expert_load", "load_mean", "load_max", "kept_assignments", "dropped_assignments",
            "dropped_tokens", "dropped_pct", "rows", "bytes", "bytes_total", "phase_ns", "wall_ns", "network", "selections",
            "selection_imbalance", "selection_bias", "groups_spanned", "groups_spanned_fraction", "rank_load_imbalance",
            "rows_per_slot");

    /** Keys only some lines have: {@code placement}, where the run's placement changed. */
    public static final List<String> OCCASIONAL_KEYS = List.of("placement");

    /** The line of one update; {@code estimate} is the network model's view of it. */
    public static String line(StepMetrics m, NetworkModel.Estimate estimate) {
        return line(m, estimate, null);
    }

    /**
     * The same with {@code placement}, the text of a placement that took effect at this update
     * ({@code Placement.toString()}), or null when it did not change.
     */
    public static String line(StepMetrics m, NetworkModel.Estimate estimate, String placement) {
        JsonObject o = new JsonObject();
        o.addProperty("step", m.update() + 1);
        o.addProperty("loss", m.loss());
        o.addProperty("task_loss", m.taskLoss());
        o.addProperty("l_aux", m.lAux());
        o.addProperty("tokens", m.tokens());
        o.addProperty("capacity", m.capacity());
        o.addProperty("slots", m.slots());
        o.add("tokens_per_expert", array(m.tokensPerExpert()));
        JsonArray load = new JsonArray();
        for (double l : m.expertLoad()) load.add(l);
        o.add("expert_load", load);
        o.addProperty("load_mean", m.meanLoad());
        o.addProperty("load_max", m.maxLoad());
        o.addProperty("kept_assignments", m.keptAssignments());
        o.addProperty("dropped_assignments", m.droppedAssignments());
        o.addProperty("dropped_tokens", m.droppedTokens());
        o.addProperty("dropped_pct", m.droppedPercent());
        o.add("rows", perExchange(m.rows()));
        o.add("bytes", perExchange(m.bytes()));
        o.addProperty("bytes_total", m.totalBytes());
        JsonObject phases = new JsonObject();
        for (Phase p : Phase.values()) {
            JsonArray perRank = new JsonArray();
            for (long[] rank : m.phaseNanos()) perRank.add(rank[p.ordinal()]);
            phases.add(key(p), perRank);
        }
        o.add("phase_ns", phases);
        o.addProperty("wall_ns", m.wallNanos());
        o.add("network", json(estimate));
        StepMetrics.Balance b = m.balance();
        o.add("selections", array(b.selections()));
        o.addProperty("selection_imbalance", m.selectionImbalance());
        o.add("selection_bias", array(b.selectionBias()));
        o.add("groups_spanned", array(b.groupsSpanned()));
        o.add("groups_spanned_fraction", array(b.groupsSpannedFraction()));
        o.addProperty("rank_load_imbalance", m.rankLoadImbalance());
        o.add("rows_per_slot", array(m.rowsPerSlot()));
        if (placement != null) o.addProperty("placement", placement);
        return o.toString();
    }

    /** {@code {dispatch_s, expert_output_s, output_grad_s, input_grad_s, compute_s, comm_s, step_s}}. */
    static JsonObject json(NetworkModel.Estimate estimate) {
        JsonObject net = new JsonObject();
        for (Exchange x : Exchange.values()) net.addProperty(key(x) + "_s", estimate.exchangeSeconds()[x.ordinal()]);
        net.addProperty("compute_s", estimate.computeSeconds());
        net.addProperty("comm_s", estimate.communicationSeconds());
        net.addProperty("step_s", estimate.stepSeconds());
        return net;
    }

    /** Reads every update back; a malformed line is a user error naming the file and line. */
    public static List<StepMetrics> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no " + FILE + " in " + file.getParent() + " (was it written by simulate --report?)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        List<StepMetrics> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                steps.add(parse(JsonParser.parseString(lines.get(i)).getAsJsonObject()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a metrics record: " + e.getMessage());
            }
        }
        if (steps.isEmpty()) throw new IllegalArgumentException(file + " holds no step");
        return steps;
    }

    private static StepMetrics parse(JsonObject o) {
        long[][] phaseNanos = null;
        JsonObject phases = required(o, "phase_ns").getAsJsonObject();
        for (Phase p : Phase.values()) {
            if ((p == Phase.BATCH || p == Phase.SHARED) && !phases.has(key(p))) continue; // written before the phase existed: 0
            long[] perRank = longs(required(phases, key(p)).getAsJsonArray());
            if (phaseNanos == null) phaseNanos = new long[perRank.length][Phase.values().length];
            for (int r = 0; r < perRank.length; r++) phaseNanos[r][p.ordinal()] = perRank[r];
        }
        return new StepMetrics(required(o, "step").getAsInt() - 1, required(o, "loss").getAsDouble(),
                required(o, "task_loss").getAsDouble(), required(o, "l_aux").getAsDouble(), required(o, "tokens").getAsLong(),
                required(o, "capacity").getAsInt(), required(o, "slots").getAsLong(),
                longs(required(o, "tokens_per_expert").getAsJsonArray()), required(o, "dropped_assignments").getAsLong(),
                required(o, "dropped_tokens").getAsLong(), perExchange(required(o, "rows").getAsJsonObject()),
                perExchange(required(o, "bytes").getAsJsonObject()), phaseNanos, required(o, "wall_ns").getAsLong(), balance(o),
                o.has("rows_per_slot") ? longs(o.getAsJsonArray("rows_per_slot")) : new long[0]); // older lines lack it
    }

    /** The balance figures, or none for a line written before they existed. */
    private static StepMetrics.Balance balance(JsonObject o) {
        int experts = required(o, "tokens_per_expert").getAsJsonArray().size();
        if (!o.has("selections")) return StepMetrics.Balance.none(experts);
        return new StepMetrics.Balance(longs(o.getAsJsonArray("selections")), doubles(o.getAsJsonArray("selection_bias")),
                longs(o.getAsJsonArray("groups_spanned")));
    }

    static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static JsonElement required(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) throw new IllegalArgumentException("missing key '" + key + "'");
        return e;
    }

    private static JsonObject perExchange(long[][][] matrices) {
        JsonObject o = new JsonObject();
        for (Exchange x : Exchange.values()) {
            JsonArray rows = new JsonArray();
            for (long[] row : matrices[x.ordinal()]) rows.add(array(row));
            o.add(key(x), rows);
        }
        return o;
    }

    private static long[][][] perExchange(JsonObject o) {
        long[][][] out = new long[Exchange.values().length][][];
        for (Exchange x : Exchange.values()) {
            JsonArray rows = required(o, key(x)).getAsJsonArray();
            out[x.ordinal()] = new long[rows.size()][];
            for (int r = 0; r < rows.size(); r++) out[x.ordinal()][r] = longs(rows.get(r).getAsJsonArray());
        }
        return out;
    }

    private static JsonArray array(long[] values) {
        JsonArray a = new JsonArray(values.length);
        for (long v : values) a.add(v);
        return a;
    }

    private static JsonArray array(double[] values) {
        JsonArray a = new JsonArray(values.length);
        for (double v : values) a.add(v);
        return a;
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }

    private static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
        return out;
    }
}
