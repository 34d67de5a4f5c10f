package switchyard.actors.cli;

import switchyard.actors.bench.NumpyPeer;
import switchyard.math.bench.LayerConfig;
import switchyard.math.bench.Median;
import switchyard.math.bench.Window;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The bench's peer section: the NumPy peer's runs, each right after the layer run it is compared
 * with when the layer section runs too, so that each ratio compares two runs minutes apart at most
 * on a machine whose speed drifts. The ratio reported is the median of the per-pair ratios.
 */
final class PeerRuns {
    /** One peer run and the layer run just before it (null when the layer section did not run). */
    record Pair(NumpyPeer.Result peer, Throughput layer) {
        double forwardRatio() { return layer.forward() / peer.forwardTokensPerSecond(); }
        double fwdBwdRatio() { return layer.fwdBwd() / peer.fwdBwdTokensPerSecond(); }
    }

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

    private final int warmup;
    private final Window window;
    private final String unavailable;
    private final Map<String, List<Pair>> runs = new LinkedHashMap<>();

    private PeerRuns(int warmup, Window window, String unavailable) {
        this.warmup = warmup;
        this.window = window;
        this.unavailable = unavailable;
    }

    /** Ready to measure, or (printing why) a section that measures nothing. */
    static PeerRuns startIfAvailable(PrintWriter out, int warmup, Window window) {
        String reason = NumpyPeer.unavailableReason(Duration.ofMinutes(1));
        if (reason != null) {
            out.println("NumPy peer skipped: " + reason);
            out.println();
        }
        return new PeerRuns(warmup, window, reason);
    }

    /** Why the peer cannot run here, or null. */
    String unavailable() { return unavailable; }

    /** Measures the peer on the configuration the layer just ran, and pairs the two. */
    void measureAfter(LayerConfig c, int w, Throughput layer) {
        runs.computeIfAbsent(key(c, w), k -> new ArrayList<>()).add(new Pair(measure(c, w), layer));
    }

    private NumpyPeer.Result measure(LayerConfig c, int w) {
        return NumpyPeer.measure(c, w, warmup, window, RUN_TIMEOUT);
    }

    /**
     * Prints the peer's table and returns its JSON rows: every configuration the layer section
     * measured, or, without it, {@code repeat} peer runs of each configuration and world.
     */
    List<Map<String, Object>> table(PrintWriter out, List<LayerConfig> configs, List<Integer> worlds, int repeat) {
        String title = "NumPy peer (index-based, one process)";
        if (runs.isEmpty()) {
            out.printf("%-37s %13s %15s%n", title, "forward tok/s", "fwd+bwd tok/s");
        } else {
            out.printf("%-37s %13s %15s %12s %12s%n", title, "forward tok/s", "fwd+bwd tok/s", "layer/peer", "layer/peer");
            out.printf("%-37s %13s %15s %12s %12s%n", "", "", "", "forward", "fwd+bwd");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        String versions = null;
        for (LayerConfig c : configs) {
            for (int w : worlds) {
                if (c.experts() % w != 0) continue;
                List<Pair> pairs = runs.get(key(c, w));
                if (pairs == null) {
                    pairs = new ArrayList<>();
                    for (int i = 0; i < repeat; i++) pairs.add(new Pair(measure(c, w), null));
                }
                rows.add(row(out, c, w, pairs));
                versions = "numpy " + pairs.get(0).peer().numpy() + ", python " + pairs.get(0).peer().python();
            }
        }
        if (versions != null) {
            out.println(versions + "; BLAS on every core; its ranks share one process and trade rows by indexing (no all-to-all);");
            out.println("its batches are drawn before its clock starts. layer/peer = median over pairs of a layer run and the peer run after it.");
        }
        out.println();
        return rows;
    }

    private static Map<String, Object> row(PrintWriter out, LayerConfig c, int w, List<Pair> pairs) {
        double forward = median(pairs, p -> p.peer().forwardTokensPerSecond());
        double fwdBwd = median(pairs, p -> p.peer().fwdBwdTokensPerSecond());
        boolean paired = pairs.get(0).layer() != null;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("config", c.name());
        row.put("world", w);
        row.put("forward_tokens_per_s", forward);
        row.put("fwdbwd_tokens_per_s", fwdBwd);
        if (pairs.size() > 1) {
            row.put("forward_tokens_per_s_runs", pairs.stream().map(p -> p.peer().forwardTokensPerSecond()).toList());
            row.put("fwdbwd_tokens_per_s_runs", pairs.stream().map(p -> p.peer().fwdBwdTokensPerSecond()).toList());
        }
        if (paired) {
            row.put("layer_vs_peer_forward", median(pairs, Pair::forwardRatio));
            row.put("layer_vs_peer_fwdbwd", median(pairs, Pair::fwdBwdRatio));
            row.put("layer_vs_peer_forward_runs", pairs.stream().map(Pair::forwardRatio).toList());
            row.put("layer_vs_peer_fwdbwd_runs", pairs.stream().map(Pair::fwdBwdRatio).toList());
            out.printf(Locale.ROOT, "  %-8s W=%-2d %24.0f %15.0f %12.2f %12.2f%n", c.name(), w, forward, fwdBwd,
                    row.get("layer_vs_peer_forward"), row.get("layer_vs_peer_fwdbwd"));
        } else {
            out.printf(Locale.ROOT, "  %-8s W=%-2d %24.0f %15.0f%n", c.name(), w, forward, fwdBwd);
        }
        if (pairs.size() > 1) {
            out.printf(Locale.ROOT, "    %d runs, median above: forward %s; fwd+bwd %s%n", pairs.size(),
                    list(pairs, p -> p.peer().forwardTokensPerSecond(), "%.0f"), list(pairs, p -> p.peer().fwdBwdTokensPerSecond(), "%.0f"));
            if (paired) {
                out.printf(Locale.ROOT, "    layer/peer per pair: forward %s; fwd+bwd %s%n",
                        list(pairs, Pair::forwardRatio, "%.2f"), list(pairs, Pair::fwdBwdRatio, "%.2f"));
            }
        }
        out.flush();
        row.put("numpy", pairs.get(0).peer().numpy());
        return row;
    }

    private static double median(List<Pair> pairs, ToDoubleFunction<Pair> figure) {
        return Median.of(pairs.stream().mapToDouble(figure).toArray());
    }

    private static String list(List<Pair> pairs, ToDoubleFunction<Pair> figure, String format) {
        return pairs.stream().map(p -> String.format(Locale.ROOT, format, figure.applyAsDouble(p))).collect(Collectors.joining(" / "));
    }

    private static String key(LayerConfig c, int w) {
        return c.name() + "/" + w;
    }
}
