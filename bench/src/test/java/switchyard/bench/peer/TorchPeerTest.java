package switchyard.bench.peer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Window;
import switchyard.math.reference.ReferenceCases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PyTorch peer must do the layer's job, or its figures mean nothing: it is checked against
 * every reference case (in as many processes as the case has ranks, so its exchange is checked
 * too), shown to notice a case it does not match, and run briefly in both precisions. Where no
 * interpreter can import torch, all but the first test are skipped.
 */
class TorchPeerTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @Test
    void saysWhyItCannotRunWithoutAnInterpreter() {
        String reason = TorchPeer.unavailableReason(List.of("/no/such/python3", "/no/other/python3"), TIMEOUT);
        assertTrue(reason != null && reason.startsWith("no /no/such/python3 to run") && reason.contains("no /no/other/python3 to run"), reason);
    }

    private static void needsTorch() {
        String reason = TorchPeer.unavailableReason(TIMEOUT);
        assumeTrue(reason == null, () -> "the PyTorch peer cannot run here: " + reason);
    }

    private static List<Path> cases() throws Exception {
        try (Stream<Path> files = Files.list(ReferenceCases.directory())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void matchesEveryReferenceCase() throws Exception {
        needsTorch();
        List<Path> cases = cases();
        assertEquals(ReferenceCases.all().size(), cases.size());
        List<String> report = TorchPeer.verify(cases, TIMEOUT);
        assertEquals(cases.size(), report.size(), String.join("\n", report));
        for (int i = 0; i < cases.size(); i++) {
            assertTrue(report.get(i).startsWith("ok " + cases.get(i).toAbsolutePath()), report.get(i));
            assertTrue(report.get(i).contains("bf16 would give errors up to"), report.get(i));
        }
    }

    @Test
    void refusesACaseWhoseRecordedGradientItDoesNotReproduce(@TempDir Path dir) throws Exception {
        needsTorch();
        // a case of two ranks: the expert whose gradient is changed lives in the second process
        Path original = cases().stream().filter(c -> c.getFileName().toString().startsWith("w2_l2")).findFirst().orElseThrow();
        JsonObject json = JsonParser.parseString(Files.readString(original)).getAsJsonObject();
        var row = json.getAsJsonArray("expert_grads").get(3).getAsJsonObject().getAsJsonArray("b2");
        row.set(0, new JsonPrimitive(row.get(0).getAsDouble() + 1e-3));
        Path changed = dir.resolve("changed.json");
        Files.writeString(changed, json.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TorchPeer.verify(List.of(changed), TIMEOUT));
        assertTrue(e.getMessage().contains("expert 3 grad b2[0]"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp32", "bf16"})
    void measuresBothKindsOfStep(String precision) {
        needsTorch();
        TorchPeer.Result r = TorchPeer.measure(LayerConfig.byName("S=64,M=16,H=32,E=4"), 2, 1, new Window(2, 0), precision, TIMEOUT);
        assertTrue(r.forwardTokensPerSecond() > 0 && Double.isFinite(r.forwardTokensPerSecond()), r.toString());
        assertTrue(r.fwdBwdTokensPerSecond() > 0 && Double.isFinite(r.fwdBwdTokensPerSecond()), r.toString());
        assertEquals(precision, r.precision());
        assertEquals("torch", r.impl());
        assertTrue(r.torch().matches("\\d+\\.\\d+.*"), r.toString());
        assertTrue(r.processes() >= 1 && r.threads() >= 1, r.toString());
        assertEquals(Files.isReadable(Path.of(TorchPeer.TCMALLOC)), r.tcmalloc(), r.toString());
    }

    @Test
    void tellsDebiansReferenceBlasFromAnOptimisedOne() {
        assertTrue(result("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0").referenceBlas());
        assertTrue(!result("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3").referenceBlas());
    }

    private static TorchPeer.Result result(String blas) {
        return new TorchPeer.Result(1, 1, "torch", "1.13.0", "3.11.2", 2, 1, true, "fp32", blas);
    }

    @Test
    void refusesAPrecisionItDoesNotHave() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchPeer.measure(LayerConfig.byName("S=64,M=16,H=32,E=4"), 2, 1, new Window(2, 0), "fp16", TIMEOUT));
        assertTrue(e.getMessage().contains("fp16"), e.getMessage());
    }
}
