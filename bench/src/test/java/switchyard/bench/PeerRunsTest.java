package switchyard.bench;

import org.junit.jupiter.api.Test;
import switchyard.bench.layer.LayerConfig;
import switchyard.math.precision.Precision;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static switchyard.math.precision.Precision.BF16;
import static switchyard.math.precision.Precision.FP32;

/** The peer section's bookkeeping, with a stand-in for the python peer. */
class PeerRunsTest {
    private static final LayerConfig A = LayerConfig.byName("S=64,M=16,H=32,E=2");
    private static final LayerConfig B = LayerConfig.byName("S=32,M=16,H=32,E=2");
    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text, true);

    private static Throughput layer(double forward, double fwdBwd) {
        return new Throughput(forward, fwdBwd, 0, 0, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(Map<String, Object> figures, int i) {
        return ((List<Map<String, Object>>) figures.get("peer")).get(i);
    }

    @Test
    void eachRatioDividesALayerRunByThePeerRunAfterIt() {
        AtomicInteger calls = new AtomicInteger();
        PeerRuns peer = new PeerRuns(out, "NumPy", (c, w, p) -> {
            int n = calls.incrementAndGet();
            return result(100 * n, 50 * n, p);
        }, null);
        peer.measureAfter(A, 2, FP32, layer(300, 100)); // peer 100 / 50
        peer.measureAfter(A, 2, FP32, layer(600, 300)); // peer 200 / 100
        Map<String, Object> figures = new LinkedHashMap<>();
        peer.report(figures, List.of(A), List.of(2), List.of(FP32), 2);
        Map<String, Object> row = row(figures, 0);
        assertEquals("fp32", row.get("precision"));
        assertEquals("numpy", row.get("impl"));
        assertEquals(List.of(3.0, 3.0), row.get("layer_vs_peer_forward_runs"));
        assertEquals(List.of(2.0, 3.0), row.get("layer_vs_peer_fwdbwd_runs"));
        assertEquals(2.5, (double) row.get("layer_vs_peer_fwdbwd"), 1e-12);
        assertEquals(150.0, (double) row.get("forward_tokens_per_s"), 1e-12);
        assertEquals(2, calls.get(), "no peer run beyond the pairs");
        assertFalse(figures.containsKey("peer_unavailable"));
    }

    @Test
    void aPeerThatFailsIsReportedAndTheBenchGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        PeerRuns peer = new PeerRuns(out, "NumPy", (c, w, p) -> {
            if (calls.incrementAndGet() > 1) throw new IllegalStateException("boom");
            return result(100, 50, p);
        }, null);
        peer.measureAfter(A, 2, FP32, layer(300, 100));
        peer.measureAfter(B, 2, FP32, layer(300, 100));
        peer.measureAfter(B, 2, FP32, layer(300, 100));
        Map<String, Object> figures = new LinkedHashMap<>();
        peer.report(figures, List.of(A, B), List.of(2), List.of(FP32), 1);
        assertEquals(2, calls.get(), "a failed peer is not started again");
        assertEquals(1, ((List<?>) figures.get("peer")).size(), "the pair measured before the failure stays");
        assertEquals(A.name(), row(figures, 0).get("config"));
        String why = (String) figures.get("peer_unavailable");
        assertTrue(why.contains("failed on " + B.name() + " W=2 fp32") && why.contains("boom"), why);
        assertTrue(text.toString().contains("the bench goes on without it"), text.toString());
    }

    /** Each precision pairs with its own layer runs; what a peer does not run (null) leaves no row. */
    @Test
    void precisionsArePairedSeparatelyAndUnsupportedOnesLeaveNoRow() {
        PeerRuns peer = new PeerRuns(out, "NumPy", (c, w, p) -> p == FP32 ? result(100, 50, p) : null, null);
        peer.measureAfter(A, 2, FP32, layer(300, 100));
        peer.measureAfter(A, 2, BF16, layer(900, 400));
        Map<String, Object> figures = new LinkedHashMap<>();
        peer.report(figures, List.of(A), List.of(2), List.of(FP32, BF16), 1);
        assertEquals(1, ((List<?>) figures.get("peer")).size());
        assertEquals(2.0, (double) row(figures, 0).get("layer_vs_peer_fwdbwd"), 1e-12);
    }

    private static PeerRuns.Result result(double forward, double fwdBwd, Precision p) {
        return new PeerRuns.Result(forward, fwdBwd, "numpy", p, "numpy 2.0, python 3.11");
    }

    @Test
    void aMissingPeerIsSkippedWithItsReason() {
        PeerRuns peer = new PeerRuns(out, "NumPy", (c, w, p) -> { throw new AssertionError("must not run"); }, "no python3 to run");
        peer.measureAfter(A, 2, FP32, layer(300, 100));
        Map<String, Object> figures = new LinkedHashMap<>();
        peer.report(figures, List.of(A), List.of(2), List.of(FP32), 3);
        assertEquals(Map.of("peer_unavailable", "no python3 to run"), figures);
        assertTrue(text.toString().startsWith("NumPy peer skipped: no python3 to run"), text.toString());
    }
}
