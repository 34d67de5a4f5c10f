package switchyard.bench;

import switchyard.bench.peer.NumpyPeer;
import switchyard.bench.peer.TorchPeer;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Window;
import switchyard.math.precision.Precision;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's peer section: the peer's runs, each right after the layer run of the same
 * configuration and precision it is compared with when the layer section runs too, so that each
 * ratio compares two runs minutes apart at most on a machine whose speed drifts. The ratio
 * reported is the median of the per-pair ratios.
 */
final class PeerRuns {
    /** One peer figure: tokens/s of all ranks, which implementation, at which precision, on what. */
    record Result(double forwardTokensPerSecond, double fwdBwdTokensPerSecond, String impl, Precision precision, String versions) {}

    /** A peer: its figure on a configuration, world and precision, or null for what it does not run. */
    interface Peer {
        Result measure(LayerConfig config, int world, Precision precision);
    }

    /** One peer run and the layer run just before it (null when the layer section did not run). */
    record Pair(Result peer, Throughput layer) {
        double forwardRatio() { return layer.forward() / peer.forwardTokensPerSecond(); }
        double fwdBwdRatio() { return layer.fwdBwd() / peer.fwdBwdTokensPerSecond(); }
    }

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

    private final PrintWriter out;
    private final Peer measure;
    private final String name;
    private final Map<String, List<Pair>> runs = new LinkedHashMap<>();
    /** Why the peer does not run (any more), or null. */
    private String unavailable;

    PeerRuns(PrintWriter out, String name, Peer measure, String unavailable) {
        this.out = out;
        this.name = name;
        this.measure = measure;
        this.unavailable = unavailable;
        if (unavailable != null) {
            out.println(name + " peer skipped: " + unavailable);
            out.println();
        }
    }

    /**
     * The strongest peer this machine can run: the PyTorch peer (float32, and bf16 under autocast)
     * where an interpreter imports torch, else the NumPy peer (float32 only), saying why; or,
     * printing why, a section that measures nothing.
     */
    static PeerRuns start(PrintWriter out, int warmup, Window window) {
        String noTorch = TorchPeer.unavailableReason(Duration.ofMinutes(1));
        if (noTorch == null) {
            return new PeerRuns(out, "PyTorch", (c, w, p) -> torch(c, w, p, warmup, window), null);
        }
        out.println("PyTorch peer unavailable (" + noTorch + "): the NumPy peer runs instead, in float32 only");
        return new PeerRuns(out, "NumPy", (c, w, p) -> {
            if (p != Precision.FP32) return null;
            NumpyPeer.Result r = NumpyPeer.measure(c, w, warmup, window, RUN_TIMEOUT);
            return new Result(r.forwardTokensPerSecond(), r.fwdBwdTokensPerSecond(), "numpy", p,
                    "numpy " + r.numpy() + ", python " + r.python() + "; BLAS on every core; its ranks share one process and trade rows"
                            + " by indexing (no all-to-all)");
        }, NumpyPeer.unavailableReason(Duration.ofMinutes(1)));
    }

    private static Result torch(LayerConfig c, int w, Precision p, int warmup, Window window) {
        TorchPeer.Result r = TorchPeer.measure(c, w, warmup, window, p.label(), RUN_TIMEOUT);
        if (r.referenceBlas()) {
            throw new IllegalStateException("PyTorch multiplies float32 on Debian's reference BLAS (" + r.blas()
                    + "), some 30 times slower than OpenBLAS: apt-get install libopenblas0-openmp");
        }
        return new Result(r.forwardTokensPerSecond(), r.fwdBwdTokensPerSecond(), "torch", p,
                "torch " + r.torch() + ", python " + r.python() + "; " + r.processes() + " process(es) x " + r.threads()
                        + " thread(s), rows between them by a gloo all-to-all on 127.0.0.1; tcmalloc " + (r.tcmalloc() ? "preloaded" : "absent")
                        + "; BLAS " + r.blas() + (p == Precision.BF16 ? "; bf16 = torch.autocast(\"cpu\", bfloat16), router in float32" : ""));
    }

    /**
     * Measures the peer on the configuration the layer just ran, and pairs the two. A peer that
     * fails is reported and left out from then on; the layer's figures go on.
     */
    void measureAfter(LayerConfig c, int w, Precision p, Throughput layer) {
        Result r = measure(c, w, p);
        if (r != null) runs.computeIfAbsent(key(c, w, p), k -> new ArrayList<>()).add(new Pair(r, layer));
    }

    private Result measure(LayerConfig c, int w, Precision p) {
        if (unavailable != null || !c.routesLikeThePeer()) return null;
        try {
            return measure.measure(c, w, p);
        } catch (RuntimeException e) {
            unavailable = "failed on " + c.name() + " W=" + w + " " + p.label() + ": " + e.getMessage();
            out.println(name + " peer " + unavailable + "; the bench goes on without it");
            out.flush();
            return null;
        }
    }

    /**
     * Prints the peer's table and adds it to {@code figures} as {@code peer}, and why the peer did
     * not run, or stopped, as {@code peer_unavailable}.
     */
    void report(Map<String, Object> figures, List<LayerConfig> configs, List<Integer> worlds, List<Precision> precisions, int repeat) {
        List<Map<String, Object>> rows = runs.isEmpty() && unavailable != null ? List.of() : table(configs, worlds, precisions, repeat);
        if (!rows.isEmpty()) figures.put("peer", rows);
        if (unavailable != null) figures.put("peer_unavailable", unavailable);
    }

    /**
     * Prints the peer's table and returns its JSON rows: every configuration the layer section
     * measured, or, without it, {@code repeat} peer runs of each configuration and world.
     */
    private List<Map<String, Object>> table(List<LayerConfig> configs, List<Integer> worlds, List<Precision> precisions, int repeat) {
        String title = name + " peer (index-based)";
        if (runs.isEmpty()) {
            out.printf("%-37s %13s %15s%n", title, "forward tok/s", "fwd+bwd tok/s");
        } else {
            out.printf("%-37s %13s %15s %12s %12s%n", title, "forward tok/s", "fwd+bwd tok/s", "layer/peer", "layer/peer");
            out.printf("%-37s %13s %15s %12s %12s%n", "", "", "", "forward", "fwd+bwd");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        for (LayerConfig c : configs) {
            for (int w : worlds) for (Precision p : precisions) {
                List<Pair> pairs = runs.get(key(c, w, p));
                if (pairs == null) {
                    pairs = new ArrayList<>();
                    for (int i = 0; i < repeat; i++) {
                        Result r = measure(c, w, p);
                        if (r != null) pairs.add(new Pair(r, null));
                    }
                }
                if (pairs.isEmpty()) continue;
                rows.add(row(out, c, w, pairs));
                if (!versions.contains(pairs.get(0).peer().versions())) versions.add(pairs.get(0).peer().versions());
            }
        }
        for (LayerConfig c : configs) {
            if (!c.routesLikeThePeer()) out.println("  " + c.name() + ": not measured; the peer is a GShard top-2 layer with no shared experts");
        }
        if (!versions.isEmpty()) {
            versions.forEach(out::println);
            out.println("its batches are drawn before its clock starts (the layer's in a warm-up step), its Gumbel noise too (the layer's gate draws it every step).");
            out.println("layer/peer = median over pairs of a layer run and the peer run after it.");
        }
        out.println();
        return rows;
    }

    private static Map<String, Object> row(PrintWriter out, LayerConfig c, int w, List<Pair> pairs) {
        double forward = RunFigures.median(pairs, p -> p.peer().forwardTokensPerSecond());
        double fwdBwd = RunFigures.median(pairs, p -> p.peer().fwdBwdTokensPerSecond());
        boolean paired = pairs.get(0).layer() != null;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("config", c.name());
        row.put("world", w);
        row.put("precision", pairs.get(0).peer().precision().label());
        row.put("impl", pairs.get(0).peer().impl());
        row.put("forward_tokens_per_s", forward);
        row.put("fwdbwd_tokens_per_s", fwdBwd);
        if (pairs.size() > 1) {
            row.put("forward_tokens_per_s_runs", pairs.stream().map(p -> p.peer().forwardTokensPerSecond()).toList());
            row.put("fwdbwd_tokens_per_s_runs", pairs.stream().map(p -> p.peer().fwdBwdTokensPerSecond()).toList());
        }
        if (paired) {
            row.put("layer_vs_peer_forward", RunFigures.median(pairs, Pair::forwardRatio));
            row.put("layer_vs_peer_fwdbwd", RunFigures.median(pairs, Pair::fwdBwdRatio));
            row.put("layer_vs_peer_forward_runs", pairs.stream().map(Pair::forwardRatio).toList());
            row.put("layer_vs_peer_fwdbwd_runs", pairs.stream().map(Pair::fwdBwdRatio).toList());
            out.printf(Locale.ROOT, "  %-8s W=%-2d %-4s %19.0f %15.0f %12.2f %12.2f%n", c.name(), w, row.get("precision"), forward, fwdBwd,
                    row.get("layer_vs_peer_forward"), row.get("layer_vs_peer_fwdbwd"));
        } else {
            out.printf(Locale.ROOT, "  %-8s W=%-2d %-4s %19.0f %15.0f%n", c.name(), w, row.get("precision"), forward, fwdBwd);
        }
        if (pairs.size() > 1) {
            out.printf(Locale.ROOT, "    %d runs, median above: forward %s; fwd+bwd %s%n", pairs.size(),
                    RunFigures.joined(pairs, p -> p.peer().forwardTokensPerSecond(), "%.0f"), RunFigures.joined(pairs, p -> p.peer().fwdBwdTokensPerSecond(), "%.0f"));
            if (paired) {
                out.printf(Locale.ROOT, "    layer/peer per pair: forward %s; fwd+bwd %s%n",
                        RunFigures.joined(pairs, Pair::forwardRatio, "%.2f"), RunFigures.joined(pairs, Pair::fwdBwdRatio, "%.2f"));
            }
        }
        out.flush();
        row.put("versions", pairs.get(0).peer().versions());
        return row;
    }

    private static String key(LayerConfig c, int w, Precision p) {
        return c.name() + "/" + w + "/" + p.label();
    }
}
