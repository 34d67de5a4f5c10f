package switchyard.bench.peer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * The bench's peer must do the layer's job, or its figures mean nothing: it is checked against
 * every reference case, and shown to notice a case it does not match.
 */
class NumpyPeerTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void saysWhyItCannotRunWithoutAnInterpreter() {
        String reason = NumpyPeer.unavailableReason("/no/such/python3", TIMEOUT);
        assertTrue(reason != null && reason.startsWith("no /no/such/python3 to run"), reason);
    }

    private static void needsNumpy() {
        String reason = NumpyPeer.unavailableReason(TIMEOUT);
        assumeTrue(reason == null, () -> "the NumPy peer cannot run here: " + reason);
    }

    private static List<Path> cases() throws Exception {
        try (Stream<Path> files = Files.list(ReferenceCases.directory())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void matchesEveryReferenceCase() throws Exception {
        needsNumpy();
        List<Path> cases = cases();
        assertEquals(ReferenceCases.all().size(), cases.size());
        List<String> report = NumpyPeer.verify(cases, TIMEOUT);
        assertEquals(cases.size(), report.size(), String.join("\n", report));
        for (int i = 0; i < cases.size(); i++) {
            assertTrue(report.get(i).startsWith("ok " + cases.get(i).toAbsolutePath()), report.get(i));
        }
    }

    @Test
    void refusesACaseWhoseRecordedGradientItDoesNotReproduce(@TempDir Path dir) throws Exception {
        needsNumpy();
        Path original = cases().get(0);
        JsonObject json = JsonParser.parseString(Files.readString(original)).getAsJsonObject();
        var row = json.getAsJsonArray("expert_grads").get(1).getAsJsonObject().getAsJsonArray("b2");
        row.set(0, new JsonPrimitive(row.get(0).getAsDouble() + 1e-3));
        Path changed = dir.resolve("changed.json");
        Files.writeString(changed, json.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NumpyPeer.verify(List.of(changed), TIMEOUT));
        assertTrue(e.getMessage().contains("expert 1 grad b2[0]"), e.getMessage());
    }

    @Test
    void measuresBothKindsOfStep() {
        needsNumpy();
        NumpyPeer.Result r = NumpyPeer.measure(LayerConfig.byName("S=64,M=16,H=32,E=4"), 2, 1, new Window(2, 0), TIMEOUT);
        assertTrue(r.forwardTokensPerSecond() > 0 && Double.isFinite(r.forwardTokensPerSecond()), r.toString());
        assertTrue(r.fwdBwdTokensPerSecond() > 0 && Double.isFinite(r.fwdBwdTokensPerSecond()), r.toString());
        assertTrue(r.numpy().matches("\\d+\\.\\d+.*"), r.toString());
    }
}
