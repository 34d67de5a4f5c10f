package switchyard.bench.peer;

import com.google.gson.JsonObject;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Window;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The peer Switchyard is measured against, run in the same bench: an index-based top-2 MoE layer
 * on NumPy ({@value #SCRIPT}), in a {@code python3} child process. It does the same job as the
 * layer bench (fresh routing every step, forward; or forward, loss, full backward and SGD), and
 * {@link #verify} checks it against the reference vectors, so its figures are those of a correct
 * layer. All its ranks share one process and trade rows by indexing: it pays nothing for an
 * all-to-all, and its Gumbel noise is drawn before its clock starts, with its batches (the layer
 * draws its batches in a warm-up step, and its gate's noise every step).
 */
public final class NumpyPeer {
    static final String SCRIPT = "index_moe.py";
    private static final String PEER = "the NumPy peer";
    /** The interpreter; {@code -Dswitchyard.python=...} names another. */
    static final String PYTHON = System.getProperty("switchyard.python", "python3");

    private NumpyPeer() {}

    /** The peer's tokens/s (all ranks) and what it ran on. */
    public record Result(double forwardTokensPerSecond, double fwdBwdTokensPerSecond, String numpy, String python) {}

    /**
     * Why the peer cannot run on this machine (no {@code python3}, or whichever {@code -Dswitchyard.python} names, or no NumPy for it), or null
     * when it can.
     */
    public static String unavailableReason(Duration timeout) {
        return unavailableReason(PYTHON, timeout);
    }

    static String unavailableReason(String python, Duration timeout) {
        return PeerProcess.unavailableReason(python, "numpy", Map.of(), timeout);
    }

    /**
     * Runs the peer on {@code config} with {@code world} ranks: {@code warmups} unmeasured steps,
     * then the steps of {@code window}, of each kind.
     */
    public static Result measure(LayerConfig config, int world, int warmups, Window window, Duration timeout) {
        String what = config + " with W=" + world;
        JsonObject json = PeerProcess.figures(script(benchArguments(config, world, warmups, window), timeout, "bench on " + what),
                PEER, what);
        return new Result(json.get("forward_tokens_per_s").getAsDouble(), json.get("fwdbwd_tokens_per_s").getAsDouble(),
                json.get("numpy").getAsString(), json.get("python").getAsString());
    }

    /** The peer scripts' bench arguments: {@code bench S M H E W WARMUP STEPS MIN_SECONDS}. */
    static List<String> benchArguments(LayerConfig config, int world, int warmups, Window window) {
        return new ArrayList<>(List.of("bench", String.valueOf(config.tokens()), String.valueOf(config.modelDim()),
                String.valueOf(config.hiddenDim()), String.valueOf(config.experts()), String.valueOf(world),
                String.valueOf(warmups), String.valueOf(window.leastSteps()), String.valueOf(window.leastNanos() / 1e9)));
    }

    /** Checks the peer against reference-vector files; returns its report, one line per case. */
    public static List<String> verify(List<Path> cases, Duration timeout) {
        return script(verifyArguments(cases), timeout, "verify").stdout().lines().toList();
    }

    /** The peer scripts' verify arguments: {@code verify CASE.json...}. */
    static List<String> verifyArguments(List<Path> cases) {
        List<String> args = new ArrayList<>();
        args.add("verify");
        for (Path c : cases) args.add(c.toAbsolutePath().toString());
        return args;
    }

    private static PeerProcess.Output script(List<String> args, Duration timeout, String what) {
        return PeerProcess.script(PYTHON, SCRIPT, args, Map.of(), timeout, PEER, what);
    }
}
