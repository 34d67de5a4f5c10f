package switchyard.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import switchyard.actors.cli.Cli;
import switchyard.actors.cli.Main;
import switchyard.bench.peer.NumpyPeer;
import switchyard.kernels.AmxMatMul;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code switchyard bench} through the command line: how it is found, its help, user errors and what it measures. */
class BenchCliTest {

    @Test
    void benchIsOfferedOnlyWhenTheCommandLineDoesNotNameACommandOfTheRuntime() {
        assertTrue(Main.commandLine().getSubcommands().containsKey("bench"), "bench is on the class path here");
        for (String own : List.of("node", "simulate", "train", "report")) {
            CommandLine cli = Main.commandLine(new String[] {own, "--help"});
            assertFalse(cli.getSubcommands().containsKey("bench"), "`switchyard " + own + "` looked for the bench");
        }
        Cli root = Cli.run("--help");
        assertTrue(root.out().contains("bench"), root.out());
    }

    @Test
    void benchHelpKeepsItsTablesInShape() {
        CommandLine bench = Main.commandLine().getSubcommands().get("bench");
        int width = bench.getUsageHelpWidth();
        for (String line : bench.getCommandSpec().usageMessage().description()) {
            assertTrue(line.codePointCount(0, line.length()) <= width, "bench's description line is wider than the help: " + line);
        }
        Cli help = Cli.run("bench", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--what") && help.out().contains("--json"), help.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bench --matmul fast                                 | unknown matmul 'fast'",
            "bench --what everything                             | --what takes",
            "bench --config huge                                 | --config: unknown layer config 'huge'",
            "bench --config S=64,M=8,H=16                        | must give all of S, M, H and E",
            "bench --config S=64,M=8,H=x,E=2                     | H must be a whole number",
            "bench --config S=64,M=0,H=16,E=2                    | M must be >= 1",
            "bench --config fine,E=12                            | 8 groups do not divide E=12 experts evenly",
            "bench --config fine,K=3                             | unknown layer config 'fine,K=3'",
            "bench --config S=64,M=8,H=16,E=2,HS=8               | must give all of S, M, H and E (or start from",
            "bench --repeat 0                                    | --repeat must be >= 1",
            "bench --min-seconds -1                              | --min-seconds must be in 0..3600",
            "bench --what layer --world 3                        | --world 3: small has E=4 experts, which do not split evenly over 3 ranks",
            "bench --what oracle --config large --world 1,16     | --world 16: large has E=8 experts"})
    void userErrorsAreOneLineAndExitTwo(String args, String message) {
        Cli.assertUserError(args, message);
    }

    @Test
    void aJsonDirectoryThatCannotBeMadeIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        String under = file.resolve("sub").toString();
        Cli cli = Cli.run("bench", "--what", "kernels", "--json", under + "/figures.json");
        assertEquals(2, cli.code(), cli.err());
        assertTrue(cli.err().startsWith("switchyard: ") && cli.err().contains(under), cli.err());
        assertEquals("", cli.out(), "nothing ran");
    }

    /** A bench run on a tiny layer shape, one short step per figure: its output and its JSON. */
    private record Bench(Cli cli, JsonObject figures) {
        JsonObject firstLayerRow() {
            return figures.getAsJsonArray("layer").get(0).getAsJsonObject();
        }
    }

    private static Bench tinyBench(Path dir, String... options) throws Exception {
        Path json = dir.resolve("bench.json");
        List<String> args = new ArrayList<>(List.of("bench", "--config", "S=64,M=16,H=32,E=2",
                "--steps", "1", "--warmup", "0", "--min-seconds", "0", "--json", json.toString()));
        args.addAll(List.of(options));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertEquals(0, cli.code(), cli.err());
        return new Bench(cli, JsonParser.parseString(Files.readString(json)).getAsJsonObject());
    }

    @Test
    void benchMeasuresALayerShapeOfOnesOwn(@TempDir Path dir) throws Exception {
        Bench bench = tinyBench(dir, "--what", "layer", "--world", "1,2");
        Cli cli = bench.cli();
        JsonObject figures = bench.figures();
        var layer = figures.getAsJsonArray("layer");
        assertEquals(2, layer.size(), layer.toString());
        for (int i = 0; i < 2; i++) {
            JsonObject row = layer.get(i).getAsJsonObject();
            assertEquals("S=64,M=16,H=32,E=2", row.get("config").getAsString());
            assertEquals(i + 1, row.get("world").getAsInt());
            assertTrue(row.get("forward_tokens_per_s").getAsDouble() > 0 && row.get("fwdbwd_tokens_per_s").getAsDouble() > 0, row.toString());
        }
        assertTrue(cli.out().contains("S=64,M=16,H=32,E=2"), cli.out());
        for (var r : layer) {
            // where each kind of step went: the experts ran in both, the backward phases only in training
            JsonObject forward = r.getAsJsonObject().getAsJsonObject("forward_phase_ms");
            JsonObject fwdBwd = r.getAsJsonObject().getAsJsonObject("fwdbwd_phase_ms");
            assertTrue(forward.get("expert_forward").getAsDouble() > 0 && fwdBwd.get("expert_backward").getAsDouble() > 0, r.toString());
            assertEquals(0.0, forward.get("expert_backward").getAsDouble(), r.toString());
        }
        assertTrue(cli.out().contains("where the layer's steps go"), cli.out());
        assertTrue(figures.get("fma_ceiling_gflops").getAsDouble() > 0, figures.toString());
        if (AmxMatMul.available()) {
            // the tile ceiling, in bfloat16 and as the float32 rate bf16x3 allows, and each layer row read against it
            JsonObject amx = figures.getAsJsonObject("amx_ceiling");
            double float32 = amx.get("float32_gflops").getAsDouble();
            assertTrue(float32 > 0, amx.toString());
            assertEquals(amx.get("bf16_gflops").getAsDouble() / 3, float32, 1e-9 * float32, amx.toString());
            for (var r : layer) {
                JsonObject row = r.getAsJsonObject();
                double after = row.get("amx_ceiling_float32_gflops_after_run").getAsDouble();
                assertTrue(after > 0, row.toString());
                assertEquals(row.get("layer_gflops_over_wall").getAsDouble() / after,
                        row.get("layer_gflops_over_wall_vs_amx_ceiling").getAsDouble(), 1e-12, row.toString());
            }
            assertTrue(cli.out().contains("AMX ceiling (register-only tiles)"), cli.out());
        }
    }

    @Test
    void benchMeasuresTheFineConfigurationAtASizeOfOnesOwnAndLeavesItsPeerOut(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        String config = "fine,S=64,M=16,H=16,E=16,HS=32";
        Cli cli = Cli.run("bench", "--config", config, "--what", "oracle,layer,peer", "--world", "1,2", "--steps", "1", "--warmup", "0",
                "--min-seconds", "0", "--json", json.toString());
        assertEquals(0, cli.code(), cli.err());
        JsonObject figures = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        for (String section : List.of("oracle", "layer")) {
            var rows = figures.getAsJsonArray(section);
            assertEquals(2, rows.size(), section + ": " + rows);
            for (var r : rows) {
                JsonObject row = r.getAsJsonObject();
                assertEquals(config, row.get("config").getAsString());
                assertTrue(row.get("fwdbwd_tokens_per_s").getAsDouble() > 0, row.toString());
                if (section.equals("layer")) {
                    assertTrue(row.get("gemm_gflops_in_layer").getAsDouble() > 0 && row.get("gemm_gflops_isolated").getAsDouble() > 0, row.toString());
                    // the shared expert runs on every rank's own tokens while the routed ones travel
                    assertTrue(row.getAsJsonObject("fwdbwd_phase_ms").get("shared").getAsDouble() > 0, row.toString());
                }
            }
        }
        assertFalse(figures.has("peer"), "the NumPy peer is a top-2 layer: " + figures.get("peer"));
        if (!figures.has("peer_unavailable")) assertTrue(cli.out().contains(config + ": not measured"), cli.out());
    }

    @Test
    void benchReadsOnlyTileProductsAgainstTheTileCeiling(@TempDir Path dir) throws Exception {
        JsonObject row = tinyBench(dir, "--what", "layer", "--matmul", "vector:1", "--world", "1").firstLayerRow();
        assertTrue(row.has("layer_gflops_over_wall"), row.toString());
        assertFalse(row.has("amx_ceiling_float32_gflops_after_run"), row.toString());
        assertFalse(row.has("layer_gflops_over_wall_vs_amx_ceiling"), row.toString());
    }

    @Test
    void benchRepeatsReportTheMedianAndEveryRun(@TempDir Path dir) throws Exception {
        Bench bench = tinyBench(dir, "--what", "layer", "--world", "2", "--repeat", "3");
        Cli cli = bench.cli();
        JsonObject row = bench.firstLayerRow();
        for (String figure : new String[] {"forward_tokens_per_s", "fwdbwd_tokens_per_s"}) {
            var runs = row.getAsJsonArray(figure + "_runs");
            assertEquals(3, runs.size(), row.toString());
            double[] sorted = new double[3];
            for (int i = 0; i < 3; i++) sorted[i] = runs.get(i).getAsDouble();
            Arrays.sort(sorted);
            assertTrue(sorted[0] > 0, row.toString());
            assertEquals(sorted[1], row.get(figure).getAsDouble(), figure + " is the median of its runs: " + row);
        }
        for (String figure : new String[] {"forward_alloc_bytes_per_token_step", "alloc_bytes_per_token_step"}) {
            var runs = row.getAsJsonArray(figure + "_runs");
            assertEquals(3, runs.size(), row.toString());
            double most = Math.max(runs.get(0).getAsDouble(), Math.max(runs.get(1).getAsDouble(), runs.get(2).getAsDouble()));
            assertEquals(most, row.get(figure).getAsDouble(), figure + " is the most of its runs: " + row);
        }
        assertTrue(cli.out().contains("3 runs, median above: forward "), cli.out());
        // every run's products-in-layer ratio is kept, and the row's is the median fwd+bwd run's
        var ratios = row.getAsJsonArray("gemm_in_layer_vs_isolated_runs");
        assertEquals(3, ratios.size(), row.toString());
        double rowRatio = row.get("gemm_in_layer_vs_isolated").getAsDouble();
        assertEquals(row.get("gemm_gflops_in_layer").getAsDouble() / row.get("gemm_gflops_isolated").getAsDouble(), rowRatio, 1e-12, row.toString());
        assertTrue(ratios.asList().stream().anyMatch(r -> r.getAsDouble() == rowRatio), row.toString());
        assertTrue(ratios.asList().stream().allMatch(r -> r.getAsDouble() > 0), row.toString());
        assertTrue(cli.out().contains("expert products in layer / alone, each run: "), cli.out());
        if (AmxMatMul.available()) {
            // every run's tile ceiling is kept, and the row's is one of them (the median fwd+bwd run's)
            var tiles = row.getAsJsonArray("amx_ceiling_float32_gflops_after_run_runs");
            assertEquals(3, tiles.size(), row.toString());
            double chosen = row.get("amx_ceiling_float32_gflops_after_run").getAsDouble();
            assertTrue(tiles.asList().stream().anyMatch(t -> t.getAsDouble() == chosen), row.toString());
            assertTrue(cli.out().contains("AMX ceiling (float32 GFLOP/s) right after each run: "), cli.out());
        }
    }

    @Test
    void benchPairsEachLayerRunWithAPeerRun(@TempDir Path dir) throws Exception {
        assumeTrue(NumpyPeer.unavailableReason(Duration.ofMinutes(1)) == null, "no python3 with NumPy here");
        Bench bench = tinyBench(dir, "--what", "layer,peer", "--world", "2", "--repeat", "2");
        Cli cli = bench.cli();
        JsonObject figures = bench.figures();
        JsonObject layer = bench.firstLayerRow();
        JsonObject peer = figures.getAsJsonArray("peer").get(0).getAsJsonObject();
        assertEquals(2, peer.get("world").getAsInt());
        for (String figure : new String[] {"forward", "fwdbwd"}) {
            var layerRuns = layer.getAsJsonArray(figure + "_tokens_per_s_runs");
            var peerRuns = peer.getAsJsonArray(figure + "_tokens_per_s_runs");
            var ratios = peer.getAsJsonArray("layer_vs_peer_" + figure + "_runs");
            assertEquals(2, ratios.size(), peer.toString());
            for (int i = 0; i < 2; i++) {
                assertEquals(layerRuns.get(i).getAsDouble() / peerRuns.get(i).getAsDouble(), ratios.get(i).getAsDouble(), 1e-9,
                        "pair " + i + " divides the layer run by the peer run after it: " + peer);
            }
            assertEquals((ratios.get(0).getAsDouble() + ratios.get(1).getAsDouble()) / 2, peer.get("layer_vs_peer_" + figure).getAsDouble(), 1e-9);
        }
        assertTrue(cli.out().contains("layer/peer per pair: forward "), cli.out());
    }
}
