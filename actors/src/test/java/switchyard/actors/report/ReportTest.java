package switchyard.actors.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.cli.Cli;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.ExchangePart;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real run's report: pictures that decode, one consistent metrics line per step, a page that shows it all. */
class ReportTest {
    private static final int W = 2, L = 2, S = 64, M = 8, K = 2, STEPS = 3;

    @TempDir
    static Path root;
    static Path dir;

    @BeforeAll
    static void simulateWithAReport() {
        dir = root.resolve("run");
        Cli cli = Cli.run("simulate", "-W", "" + W, "-L", "" + L, "-S", "" + S, "-M", "" + M, "-H", "16", "--steps", "" + STEPS,
                "--capacity-factor", "0.75", "--report", dir.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("digest: "), cli.out());
    }

    private static void assertPlots(Path in) throws Exception {
        List<Plots.Plot> plots = Plots.of(MetricsLog.read(in.resolve(MetricsLog.FILE)));
        assertTrue(plots.contains(Plots.BALANCE));
        for (Plots.Plot p : Plots.ALL) {
            if (!plots.contains(p)) {
                assertFalse(Files.exists(in.resolve(p.file())), p.file() + " drawn for a run it says nothing about");
                continue;
            }
            BufferedImage image = ImageIO.read(in.resolve(p.file()).toFile());
            assertNotNull(image, p.file() + " does not decode as an image");
            assertEquals(p.width(), image.getWidth(), p.file());
            assertEquals(p.height(), image.getHeight(), p.file());
        }
    }

    @Test
    void everyPlotDecodesAtItsSize() throws Exception {
        assertPlots(dir);
    }

    @Test
    void metricsHaveOneValidLinePerStepWithTheDocumentedKeys() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        assertEquals(STEPS, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(Set.copyOf(MetricsLog.KEYS), o.keySet(), "line " + (i + 1));
            assertEquals(i + 1, o.get("step").getAsInt());
        }
    }

    @Test
    void metricsAreConsistent() throws Exception {
        for (String line : Files.readAllLines(dir.resolve(MetricsLog.FILE))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            long perExpert = 0;
            for (JsonElement t : o.getAsJsonArray("tokens_per_expert")) perExpert += t.getAsLong();
            long kept = o.get("kept_assignments").getAsLong();
            assertEquals(kept, perExpert, "tokens per expert sum to the kept assignments");
            assertEquals((long) W * S * K, kept + o.get("dropped_assignments").getAsLong());
            assertTrue(o.get("dropped_assignments").getAsLong() > 0, "capacity factor 0.75 drops");
            long dispatched = 0, total = 0;
            for (Exchange x : Exchange.values()) {
                var rows = o.getAsJsonObject("rows").getAsJsonArray(MetricsLog.key(x));
                var bytes = o.getAsJsonObject("bytes").getAsJsonArray(MetricsLog.key(x));
                for (int src = 0; src < W; src++) {
                    for (int dst = 0; dst < W; dst++) {
                        long r = rows.get(src).getAsJsonArray().get(dst).getAsLong();
                        long b = bytes.get(src).getAsJsonArray().get(dst).getAsLong();
                        assertEquals(r * M * 4 + ExchangePart.headerBytes(L), b, x + " " + src + "->" + dst);
                        if (x == Exchange.DISPATCH) dispatched += r;
                        total += b;
                    }
                }
            }
            assertEquals(kept, dispatched, "every kept assignment is dispatched once");
            assertEquals(total, o.get("bytes_total").getAsLong());
            double expectedMax = 0;
            for (JsonElement l : o.getAsJsonArray("expert_load")) expectedMax = Math.max(expectedMax, l.getAsDouble());
            assertEquals(expectedMax, o.get("load_max").getAsDouble(), 1e-12);
            JsonObject net = o.getAsJsonObject("network");
            assertEquals(net.get("compute_s").getAsDouble() + net.get("comm_s").getAsDouble(), net.get("step_s").getAsDouble(), 1e-12);
        }
    }

    @Test
    void summaryAndIndexShowTheRunAndItsOptions() throws Exception {
        JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve(ReportWriter.SUMMARY))).getAsJsonObject();
        assertEquals("" + W, summary.getAsJsonObject("options").get("--ranks").getAsString());
        assertEquals(STEPS, summary.getAsJsonObject("summary").get("steps").getAsInt());
        assertTrue(summary.getAsJsonObject("outcome").get("succeeded").getAsBoolean());
        String index = Files.readString(dir.resolve(ReportWriter.INDEX));
        for (Plots.Plot p : Plots.of(MetricsLog.read(dir.resolve(MetricsLog.FILE)))) assertTrue(index.contains("src=\"" + p.file() + "\""), p.file());
        assertFalse(index.contains(Plots.SELECTION_BIAS.file()), "no selection bias in this run");
        assertTrue(index.contains("--capacity-factor") && index.contains("0.75"), "the options table");
        assertTrue(index.contains(summary.getAsJsonObject("outcome").get("digest").getAsString()));
    }

    @Test
    void reportReRendersFromTheMetricsAndCanPriceAnotherNetwork() throws Exception {
        Path copy = root.resolve("copy");
        Files.createDirectories(copy);
        for (String f : List.of(MetricsLog.FILE, ReportWriter.SUMMARY)) Files.copy(dir.resolve(f), copy.resolve(f));
        Cli cli = Cli.run("report", copy.toString(), "--network", "latency=1ms,bandwidth=1Gbps");
        assertEquals(0, cli.code(), cli.err());
        assertPlots(copy);
        assertTrue(Files.readString(copy.resolve(ReportWriter.INDEX)).contains("1.00 ms latency"));
        double slow = network(copy).get("comm_s").getAsDouble();
        double fast = network(dir).get("comm_s").getAsDouble();
        assertTrue(slow > 100 * fast, "1 ms and 1 Gbps against 5 us and 100 Gbps: " + slow + " vs " + fast);
        assertEquals(summaryOf(dir).get("dropped_pct"), summaryOf(copy).get("dropped_pct"), "the same steps");
    }

    @Test
    void metricsWrittenBeforeTheBatchPhaseExistedStillRead() throws Exception {
        Path old = root.resolve("before-batch");
        Files.createDirectories(old);
        List<String> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(MetricsLog.FILE))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            o.getAsJsonObject("phase_ns").remove("batch");
            lines.add(o.toString());
        }
        Files.write(old.resolve(MetricsLog.FILE), lines);
        List<StepMetrics> now = MetricsLog.read(dir.resolve(MetricsLog.FILE)), before = MetricsLog.read(old.resolve(MetricsLog.FILE));
        assertEquals(now.size(), before.size());
        assertTrue(now.stream().allMatch(m -> m.phaseNanos()[0][Phase.BATCH.ordinal()] > 0), "the synthetic task's batches are timed");
        for (int i = 0; i < now.size(); i++) {
            for (int r = 0; r < now.get(i).worldSize(); r++) {
                long[] expected = now.get(i).phaseNanos()[r].clone();
                expected[Phase.BATCH.ordinal()] = 0;
                assertArrayEquals(expected, before.get(i).phaseNanos()[r], "step " + (i + 1) + ", rank " + r);
            }
        }
    }

    @Test
    void aMalformedMetricsLineIsAUserErrorNamingTheLine() throws Exception {
        Path bad = root.resolve("bad");
        Files.createDirectories(bad);
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        Files.write(bad.resolve(MetricsLog.FILE), List.of(lines.get(0), "{\"step\": 2}"));
        Cli cli = Cli.run("report", bad.toString());
        assertEquals(2, cli.code());
        assertTrue(cli.err().contains("line 2") && cli.err().contains("missing key"), cli.err());
    }

    @Test
    void largeClustersAreDrawnInBlocks() throws Exception {
        Path big = root.resolve("big");
        Cli cli = Cli.run("simulate", "--routing-only", "-W", "100", "-L", "1", "-S", "16", "-M", "4", "--steps", "1",
                "--threads", "2", "--report", big.toString());
        assertEquals(0, cli.code(), cli.err());
        assertPlots(big);
        Blocks blocks = Blocks.mean(new double[100][100], Plots.MAX_CELLS, Plots.MAX_CELLS, 0, 0);
        assertEquals(34, blocks.cells().length, "blocks of 3 ranks");
        assertEquals(3, blocks.rowSpan());
        assertEquals("0", blocks.rowLabels().get(0));
        assertEquals("99", blocks.rowLabels().get(33));
    }

    private static JsonObject summaryOf(Path d) throws Exception {
        return JsonParser.parseString(Files.readString(d.resolve(ReportWriter.SUMMARY))).getAsJsonObject().getAsJsonObject("summary");
    }

    private static JsonObject network(Path d) throws Exception {
        return summaryOf(d).getAsJsonObject("network");
    }
}
