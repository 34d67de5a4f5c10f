package switchyard.bench;

import switchyard.actors.cli.Directories;


import com.google.gson.GsonBuilder;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import switchyard.bench.crossjvm.CrossJvmBench;
import switchyard.bench.layer.LayerBench;
import switchyard.actors.report.PhaseTimes;
import switchyard.bench.kernel.ExpertGemmBench;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.kernel.MatMulBench;
import switchyard.bench.layer.OracleBench;
import switchyard.bench.layer.Window;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;
import switchyard.math.precision.Precision;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code switchyard bench}: the figures every performance claim in the README comes from. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        // picocli wraps at 80 columns: each line stays within it, so the table keeps its shape
        description = {"Measure Switchyard on this machine and print the figures (optionally as JSON).",
                "Sections:",
                "  kernels    GFLOP/s of the EJML, Vector-API and AMX multiplies",
                "             (4096x512 · 512x2048, and the backward shapes)",
                "  oracle     tokens/s of the single-process layer, forward and",
                "             forward+backward (with an SGD update)",
                "  layer      tokens/s of the actor layer in one JVM (W rank actors, real",
                "             scatter/gather), its products' GFLOP/s, and where its steps",
                "             went (ms per rank and phase)",
                "  peer       tokens/s of an index-based top-2 MoE layer on PyTorch (Debian's",
                "             python3-torch; fp32, and bf16 under autocast), else on NumPy",
                "             (fp32 only): the same job as the layer; with layer, each layer",
                "             run is followed by a peer run of the same precision and the",
                "             bench prints their ratios",
                "  cross-jvm  all-to-all MB/s between two node JVMs (data plane and Artery)",
                "             next to a raw socket copy, and the layer on 2 JVMs",
                "Oracle and layer also print the bytes every thread allocated per token per",
                "step. Kernels and layer first measure the FMA and, with AMX, the tile",
                "ceilings: what the cores give right now.",
                "Tokens/s always count the tokens of all ranks. Configurations (S per rank):",
                "  large  S 4096, M 512, H 2048, E 8, GShard top-2",
                "  small  S 1024, M 128, H 512, E 4, GShard top-2",
                "  fine   S 4096, M 512, H 256, E 64, top-8 of sigmoid scores in 4 of 8",
                "         groups, selection bias, dropless, 1 shared expert of H 2048:",
                "         DeepSeek-V3's routing at large's flops per token",
                "The peer runs the top-2 configurations only."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--what", paramLabel = "LIST", split = ",",
            description = "Sections to run: kernels, oracle, layer, peer, cross-jvm (default: all).")
    List<String> what = List.of("kernels", "oracle", "layer", "peer", "cross-jvm");

    @Option(names = "--config", paramLabel = "NAME", description = "large, small, fine, all (the three), both (small and large), "
            + "one of the three with sizes of your own such as fine,S=1024,E=32 (S tokens per rank, M model and H hidden width, "
            + "E experts, HS the shared experts' width), or a top-2 shape of your own such as S=4096,M=2048,H=256,E=8 "
            + "(default: ${DEFAULT-VALUE}). cross-jvm takes large for all and both.")
    String config = "all";

    @Option(names = "--world", paramLabel = "W", split = ",", description = "Ranks in one JVM for the layer section (default: 1,2).")
    List<Integer> world = List.of(1, 2);

    @Option(names = "--steps", paramLabel = "N", description = "Least measured steps per oracle, layer and peer figure (default: ${DEFAULT-VALUE}).")
    int steps = 6;

    @Option(names = "--min-seconds", paramLabel = "S",
            description = "Least time each oracle, layer and peer figure is measured for: small configurations run more than --steps steps "
                    + "(default: ${DEFAULT-VALUE}).")
    double minSeconds = 2;

    // until the JIT has compiled the hot path, Vector-API code boxes every vector: the small
    // configuration's first steps allocate far more per token than warm ones
    @Option(names = "--warmup", paramLabel = "N", description = "Steps run before measuring (default: ${DEFAULT-VALUE}). The layer's ranks draw their two batches "
            + "of random tokens in the first, as the peer draws its batches before its clock starts.")
    int warmup = 8;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Measure every oracle, layer and peer figure N times and report the median, with every run in the JSON "
                    + "(default: ${DEFAULT-VALUE}). On a shared machine one run can be a third off the next.")
    int repeat = 1;

    @Option(names = "--matmul", paramLabel = "KERNEL",
            description = "Kernel for the oracle, layer and cross-jvm sections: best, amx, amx:N, avx512, avx512:N, vector, vector:N or ejml (default: ${DEFAULT-VALUE}). "
                    + "Several node JVMs on one machine each use all its cores with best; amx:1, avx512:1 or vector:1 keeps each rank to one thread.")
    String matmul = "best";

    @Option(names = "--precision", paramLabel = "LIST", split = ",",
            description = "Precisions of the expert products for the oracle, layer and peer sections: fp32, bf16 or fp32,bf16 (both, each layer run "
                    + "paired with a peer run of the same precision) (default: fp32).")
    List<String> precision = List.of("fp32");

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON to FILE.")
    Path json;

    @Option(names = "--cluster-config", paramLabel = "FILE", description = "Cluster configuration for cross-jvm (default: ${DEFAULT-VALUE}).")
    Path clusterConfig = Path.of("cluster-config", "cluster.conf");

    @Override
    public Integer call() throws Exception {
        Set<String> known = Set.of("kernels", "oracle", "layer", "peer", "cross-jvm");
        for (String w : what) if (!known.contains(w)) throw new IllegalArgumentException("--what takes " + known + ", got '" + w + "'");
        for (int w : world) if (w < 1) throw new IllegalArgumentException("--world values must be >= 1, got " + w);
        if (steps < 1 || warmup < 0) throw new IllegalArgumentException("--steps must be >= 1 and --warmup >= 0");
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be >= 1, got " + repeat);
        if (!(minSeconds >= 0 && minSeconds <= 3600)) throw new IllegalArgumentException("--min-seconds must be in 0..3600, got " + minSeconds);
        MatMuls.byName(matmul); // refuses an unknown kernel before anything runs
        precisions = precision.stream().map(Precision::parse).distinct().toList();
        if (json != null) Directories.requireWritable(json.toAbsolutePath().getParent(), "--json " + json);
        List<LayerConfig> configs = switch (config) {
            case "all" -> List.of(LayerConfig.SMALL, LayerConfig.LARGE, LayerConfig.FINE);
            case "both" -> List.of(LayerConfig.SMALL, LayerConfig.LARGE);
            default -> List.of(configByName());
        };
        if (what.contains("oracle") || what.contains("layer") || what.contains("peer")) {
            for (LayerConfig c : configs) {
                for (int w : world) {
                    try {
                        c.expertsPerRank(w);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--world " + w + ": " + e.getMessage() + "; pick a --world that divides E, or one --config");
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("machine", machine(out));

        if (what.contains("kernels")) figures.put("kernels", kernels(out));
        if (what.contains("kernels") || what.contains("layer")) {
            Ceilings c = ceilings(out);
            figures.put("fma_ceiling_gflops", c.fmaAll());
            figures.put("amx_ceiling", c.amxJson());
            if (!Double.isNaN(c.dotAll())) figures.put("avx512_bf16_ceiling_gflops", c.dotAll());
        }
        if (what.contains("oracle")) figures.put("oracle", oracle(out, configs));
        PeerRuns peer = what.contains("peer") ? PeerRuns.start(out, warmup, window()) : null;
        if (what.contains("layer")) figures.put("layer", layer(out, configs, peer));
        if (peer != null) peer.report(figures, configs, world, precisions, repeat);
        if (what.contains("cross-jvm")) figures.put("cross_jvm", crossJvm(out, configs.size() == 1 ? configs.get(0) : LayerConfig.LARGE));

        if (json != null) {
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(figures));
            out.println("figures written to " + json);
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> machine(PrintWriter out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("flags", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("matmul", MatMuls.describe(MatMuls.byName(matmul)));
        m.put("cpu", Ceilings.cpuModel());
        out.printf("JVM %s, %d cores, flags %s, kernel %s, CPU %s%n", m.get("jvm"), m.get("cores"), m.get("flags"), m.get("matmul"), m.get("cpu"));
        for (Precision p : precisions) {
            String experts = ExpertKernels.describe(matmul, p);
            m.put("experts_" + p.label(), experts);
            out.printf("expert products in %s: %s%n", p.label(), experts);
        }
        out.println();
        return m;
    }

    /** What the cores can do right now; measured (and printed) once per run. */
    private Ceilings ceilings;

    private Ceilings ceilings(PrintWriter out) {
        if (ceilings == null) ceilings = Ceilings.measure(out);
        return ceilings;
    }

    private List<Map<String, Object>> kernels(PrintWriter out) {
        ceilings(out);
        out.println("matrix multiply, float32 operands   GFLOP/s");
        List<Map<String, Object>> rows = new ArrayList<>();
        List<MatMul> kernels = MatMulBench.kernels();
        String[][] shapes = {{"mul", "4096", "512", "2048"}, {"mulTransA", "512", "4096", "2048"}, {"mulTransB", "4096", "2048", "512"}};
        for (String[] s : shapes) {
            for (MatMul mm : kernels) {
                int m = Integer.parseInt(s[1]), k = Integer.parseInt(s[2]), n = Integer.parseInt(s[3]);
                boolean ejml = mm.name().equals("ejml");
                double g = MatMulBench.gflops(mm, m, k, n, s[0], ejml ? 2 : 10);
                out.printf(Locale.ROOT, "  %-10s %4dx%-4d · %4dx%-4d %-22s %8.1f%n", s[0], m, k, k, n, mm.name(), g);
                rows.add(Map.of("op", s[0], "m", m, "k", k, "n", n, "kernel", mm.name(), "gflops", g));
            }
        }
        out.println();
        return rows;
    }

    private List<Map<String, Object>> oracle(PrintWriter out, List<LayerConfig> configs) {
        return throughputTable(out, "oracle layer (one process)", configs, (c, w, p) -> {
            OracleBench.Result r = OracleBench.measure(c, w, MatMuls.byName(matmul), ExpertKernels.byName(matmul, p), warmup, window());
            return new Throughput(r.forwardTokensPerSecond(), r.fwdBwdTokensPerSecond(),
                    r.forwardAllocBytesPerTokenStep(), r.fwdBwdAllocBytesPerTokenStep(), null);
        });
    }

    /** The actor layer's table; with {@code peer} (may be null), a peer run follows each layer run. */
    private List<Map<String, Object>> layer(PrintWriter out, List<LayerConfig> configs, PeerRuns peer) {
        Ceilings ceiling = ceilings(out);
        boolean onTiles = MatMuls.byName(matmul).name().startsWith("amx");
        List<Map<String, Object>> rows = throughputTable(out, "actor layer (W ranks in one JVM)", configs, (c, w, p) -> {
            LayerBench.Result r = LayerBench.measure(c, w, matmul, p, ConfigFactory.load(), warmup, window());
            double tilesAfter = onTiles ? ceiling.amxFloat32Now() : Double.NaN;
            double isolated = ExpertGemmBench.gflopsOfRank(ExpertKernels.byName(matmul, p), c, w, new Window(5, window().leastNanos()));
            Throughput t = new Throughput(r.forwardTokensPerSecond(), r.fwdBwdTokensPerSecond(),
                    r.forwardAllocBytesPerTokenStep(), r.fwdBwdAllocBytesPerTokenStep(),
                    new Throughput.Layer(r.fwdBwdGemm(), isolated, tilesAfter, r.forwardPhases(), r.fwdBwdPhases()));
            if (peer != null) peer.measureAfter(c, w, p, t);
            return t;
        });
        out.println("expert products during fwd+bwd     in layer   alone (same shapes)   ratio   over wall     of ceiling     of AMX ceiling   at once");
        for (Map<String, Object> row : rows) {
            double overWall = (double) row.get("layer_gflops_over_wall");
            double ceilingOf = ceiling.forPrecision(Precision.parse((String) row.get("precision")));
            row.put("layer_gflops_over_wall_vs_ceiling", overWall / ceilingOf);
            Object tiles = row.get("amx_ceiling_float32_gflops_after_run");
            if (tiles != null) row.put("layer_gflops_over_wall_vs_amx_ceiling", overWall / (double) tiles);
            out.printf(Locale.ROOT, "  %-8s W=%-2d %-4s %15.1f %21.1f %7.2f %11.1f %15.0f%% %15s %9.2f%n", row.get("config"), row.get("world"),
                    row.get("precision"),
                    row.get("gemm_gflops_in_layer"), row.get("gemm_gflops_isolated"), row.get("gemm_in_layer_vs_isolated"),
                    overWall, 100 * overWall / ceilingOf,
                    tiles != null ? String.format(Locale.ROOT, "%.0f%% of %.0f", 100 * overWall / (double) tiles, (double) tiles) : "-",
                    row.get("gemm_products_at_once"));
        }
        out.println("GFLOP/s: in layer = while at least one product runs; alone = a rank's products of a step, each shape timed alone");
        out.println("(an expert's six products on its even share of rows, and the shared experts' on the rank's tokens);");
        out.println("over wall = the products' flops over the steps' wall time; at once = products running at once, on average;");
        out.println("of ceiling = over wall against the FMA ceiling (fp32) or the bfloat16 unit's (bf16: tiles, else VDPBF16PS);");
        out.println("of AMX ceiling = over wall against the float32 rate the tiles allowed on every core right after the run");
        out.println("(a third of their bfloat16 rate; it moves with the neighbours, and the layer with it).");
        out.println();
        out.println("where the layer's steps go, ms per rank per step (the token side's waits, expert_output and input_grad,");
        out.println("contain the expert compute they wait for; with --repeat, of the run with the median fwd+bwd)");
        for (Map<String, Object> row : rows) {
            for (String kind : new String[] {"forward", "fwdbwd"}) {
                @SuppressWarnings("unchecked") Map<String, Double> ms = (Map<String, Double>) row.get(kind + "_phase_ms");
                out.printf(Locale.ROOT, "  %-8s W=%-2d %-4s %-8s %s%n", row.get("config"), row.get("world"), row.get("precision"),
                        kind.equals("forward") ? "forward" : "fwd+bwd",
                        PhaseTimes.line(ms));
            }
        }
        out.println();
        return rows;
    }

    /**
     * Measures every configuration at every --world (each divides its experts), --repeat times, printing
     * as it goes. Allocation is what every thread allocated over the measured steps, per token (all
     * ranks) per step.
     */
    /** One figure's measurement: a configuration, W ranks, the expert products' precision. */
    interface Measure {
        Throughput at(LayerConfig config, int world, Precision precision);
    }

    private List<Map<String, Object>> throughputTable(PrintWriter out, String title, List<LayerConfig> configs, Measure measure) {
        out.printf("%-37s %13s %15s %14s %14s%n", title, "forward tok/s", "fwd+bwd tok/s", "fwd B/tok/step", "f+b B/tok/step");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerConfig c : configs) {
            for (int w : world) for (Precision p : precisions) {
                List<Throughput> runs = new ArrayList<>(repeat);
                for (int i = 0; i < repeat; i++) runs.add(measure.at(c, w, p));
                Throughput t = Throughput.medianOf(runs);
                out.printf(Locale.ROOT, "  %-8s W=%-2d %-4s %19.0f %15.0f %14.0f %14.0f%n", c.name(), w, p.label(), t.forward(), t.fwdBwd(),
                        t.forwardAlloc(), t.fwdBwdAlloc());
                if (repeat > 1) {
                    out.printf(Locale.ROOT, "    %d runs, median above: forward %s; fwd+bwd %s; B/tok/step (the most above) %s and %s%n", repeat,
                            RunFigures.joined(runs, Throughput::forward, "%.0f"), RunFigures.joined(runs, Throughput::fwdBwd, "%.0f"),
                            RunFigures.joined(runs, Throughput::forwardAlloc, "%.0f"), RunFigures.joined(runs, Throughput::fwdBwdAlloc, "%.0f"));
                    if (t.layer() != null) {
                        out.printf(Locale.ROOT, "    expert products in layer / alone, each run: %s%n", RunFigures.joined(runs, Throughput::gemmInLayerVsIsolated, "%.2f"));
                    }
                    if (!Double.isNaN(t.amxCeilingAfter())) {
                        out.printf(Locale.ROOT, "    AMX ceiling (float32 GFLOP/s) right after each run: %s%n", RunFigures.joined(runs, Throughput::amxCeilingAfter, "%.0f"));
                    }
                }
                out.flush();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("config", c.name());
                row.put("world", w);
                row.put("precision", p.label());
                row.put("forward_tokens_per_s", t.forward());
                row.put("fwdbwd_tokens_per_s", t.fwdBwd());
                row.put("forward_alloc_bytes_per_token_step", t.forwardAlloc());
                row.put("alloc_bytes_per_token_step", t.fwdBwdAlloc());
                if (repeat > 1) {
                    row.put("forward_tokens_per_s_runs", runs.stream().map(Throughput::forward).toList());
                    row.put("fwdbwd_tokens_per_s_runs", runs.stream().map(Throughput::fwdBwd).toList());
                    row.put("forward_alloc_bytes_per_token_step_runs", runs.stream().map(Throughput::forwardAlloc).toList());
                    row.put("alloc_bytes_per_token_step_runs", runs.stream().map(Throughput::fwdBwdAlloc).toList());
                }
                if (t.layer() != null) {
                    LayerBench.Gemm gemm = t.layer().gemm();
                    row.put("gemm_gflops_in_layer", gemm.gflopsWhileMultiplying());
                    row.put("gemm_gflops_isolated", t.layer().isolatedGflops());
                    row.put("gemm_in_layer_vs_isolated", t.gemmInLayerVsIsolated());
                    if (repeat > 1) row.put("gemm_in_layer_vs_isolated_runs", runs.stream().map(Throughput::gemmInLayerVsIsolated).toList());
                    row.put("layer_gflops_over_wall", gemm.gflopsOverWall());
                    row.put("gemm_products_at_once", gemm.productsAtOnce());
                    row.put("forward_phase_ms", t.layer().forwardPhases().asMap());
                    row.put("fwdbwd_phase_ms", t.layer().fwdBwdPhases().asMap());
                }
                if (!Double.isNaN(t.amxCeilingAfter())) {
                    row.put("amx_ceiling_float32_gflops_after_run", t.amxCeilingAfter());
                    if (repeat > 1) row.put("amx_ceiling_float32_gflops_after_run_runs", runs.stream().map(Throughput::amxCeilingAfter).toList());
                }
                rows.add(row);
            }
        }
        out.println();
        return rows;
    }

    /** The parsed --precision list, in the order given. */
    private List<Precision> precisions = List.of(Precision.FP32);

    private Window window() {
        return new Window(steps, (long) (minSeconds * 1e9));
    }

    private LayerConfig configByName() {
        try {
            return LayerConfig.byName(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--config: " + e.getMessage());
        }
    }

    /** One cross-JVM layer result, printed and as its JSON object. */
    private static Map<String, Object> layerRow(PrintWriter out, LayerBench.Result l, String links) {
        out.printf(Locale.ROOT, "  layer %s on 2 JVMs (1 rank each), %s links: forward %.0f tok/s, fwd+bwd %.0f tok/s%n", l.config().name(),
                links, l.forwardTokensPerSecond(), l.fwdBwdTokensPerSecond());
        out.printf(Locale.ROOT, "    ms per rank per step, forward: %s%n    fwd+bwd: %s%n", l.forwardPhases().line(), l.fwdBwdPhases().line());
        return Map.of("config", l.config().name(), "world", 2, "links", links, "forward_tokens_per_s", l.forwardTokensPerSecond(),
                "fwdbwd_tokens_per_s", l.fwdBwdTokensPerSecond(), "forward_phase_ms", l.forwardPhases().asMap(),
                "fwdbwd_phase_ms", l.fwdBwdPhases().asMap());
    }

    private Map<String, Object> crossJvm(PrintWriter out, LayerConfig layer) throws Exception {
        if (!Files.isRegularFile(clusterConfig))
            throw new IllegalArgumentException("--cluster-config " + clusterConfig + " does not exist (run from the repository root)");
        String classPath = System.getProperty("java.class.path");
        // sealed (a real job: mutual TLS, every data-plane frame sealed), then open, to price the protection
        CrossJvmBench.Results r = CrossJvmBench.run(classPath, clusterConfig, List.of(4L << 20, 64L << 20), 5, CrossJvmBench.WARMUP_BYTES,
                layer, matmul, warmup, steps, Path.of("target", "bench-logs"), true);
        CrossJvmBench.Results open = CrossJvmBench.run(classPath, clusterConfig, List.of(4L << 20, 64L << 20), 5, CrossJvmBench.WARMUP_BYTES,
                layer, matmul, warmup, steps, Path.of("target", "bench-logs"), false);
        List<CrossJvmBench.ExchangeRates> all = new ArrayList<>(r.exchanges());
        all.addAll(open.exchanges());
        String transport = all.isEmpty() ? "" : all.get(0).transport().configName();
        out.printf("all-to-all between 2 node JVMs   links     switchyard (%s) MB/s   artery MB/s   raw socket MB/s   ratio%n", transport);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CrossJvmBench.ExchangeRates e : all) {
            String links = e.sealed() ? "sealed" : "open";
            out.printf(Locale.ROOT, "  %4d MiB each way   %-6s %" + (21 + transport.length()) + ".0f %13.0f %17.0f %7.2f%n", e.bytesPerDirection() >> 20,
                    links, e.switchyardMBps(), e.arteryMBps(), e.rawSocketMBps(), e.ratio());
            rows.add(Map.of("mib_each_way", e.bytesPerDirection() >> 20, "transport", e.transport().configName(), "links", links,
                    "switchyard_mb_per_s", e.switchyardMBps(), "artery_mb_per_s", e.arteryMBps(),
                    "raw_socket_mb_per_s", e.rawSocketMBps(), "ratio", e.ratio()));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("exchange", rows);
        if (r.layer() != null) {
            result.put("layer", layerRow(out, r.layer(), "sealed"));
            result.put("layer_open", layerRow(out, open.layer(), "open"));
        }
        out.println();
        return result;
    }
}
