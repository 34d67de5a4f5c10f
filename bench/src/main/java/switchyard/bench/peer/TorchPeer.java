package switchyard.bench.peer;

import com.google.gson.JsonObject;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Window;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The strongest peer: the NumPy peer's job (an index-based top-2 MoE layer, fresh routing every
 * step, forward; or forward, loss, full backward and SGD) written the way a PyTorch user makes it
 * fast ({@value #SCRIPT}): every rank's routing by index at once, each expert run once on the rows
 * of every rank, combine by {@code index_add_}, autograd, {@code torch.optim.SGD}; in float32, or
 * in bfloat16 under {@code torch.autocast} with float32 master weights and router. It runs as one
 * process per core (as many as divide W and E), each holding its share of the ranks and owning
 * its share of the experts, rows exchanged by gloo on 127.0.0.1: on two cores that beat one
 * process of two threads holding every rank with no exchange at all (the script says by how
 * much). {@link #verify} checks it against the reference vectors in float64, in as many
 * processes as a case has ranks, so the exchange is checked too.
 * <p>
 * tcmalloc is preloaded when {@value #TCMALLOC} exists: with glibc's allocator PyTorch loses
 * several times its speed on these machines whenever it frees and reallocates large outputs.
 */
public final class TorchPeer {
    static final String SCRIPT = "torch_moe.py";
    /** {@code -Dswitchyard.torch-python=...} names the interpreter; otherwise the first of {@link #CANDIDATES} that imports torch. */
    static final String PYTHON_PROPERTY = "switchyard.torch-python";
    /** Debian installs torch for the system interpreter, which a pyenv {@code python3} on the PATH hides. */
    static final List<String> CANDIDATES = List.of("/usr/bin/python3", "python3");
    static final String TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";
    public static final List<String> PRECISIONS = List.of("fp32", "bf16");
    private static final String PEER = "the PyTorch peer";

    private TorchPeer() {}

    /**
     * The peer's tokens/s (all ranks) and what it ran on: {@code torch}, torch's version, the Python's, its
     * processes and torch threads in each, whether tcmalloc was loaded, the precision, and the BLAS
     * library torch called for float32 products (with Debian's reference BLAS, the path ending in
     * {@code blas/libblas.so.3.*}, float32 figures are some 30 times too low).
     */
    public record Result(double forwardTokensPerSecond, double fwdBwdTokensPerSecond, String impl, String torch, String python,
                         int processes, int threads, boolean tcmalloc, String precision, String blas) {
        /** Whether torch's float32 products ran on Debian's reference BLAS (its float32 figures then mean little). */
        public boolean referenceBlas() {
            return blas.contains("/blas/libblas.so");
        }
    }

    /** Why the peer cannot run here (no interpreter that can import torch), or null when it can. */
    public static String unavailableReason(Duration timeout) {
        String property = System.getProperty(PYTHON_PROPERTY);
        return interpreter(property != null ? List.of(property) : CANDIDATES, timeout).reason;
    }

    static String unavailableReason(List<String> candidates, Duration timeout) {
        return interpreter(candidates, timeout).reason;
    }

    /**
     * Runs the peer on {@code config} (a GShard top-2 configuration: see
     * {@link LayerConfig#routesLikeThePeer()}) with {@code world} ranks in {@code precision}
     * ({@code fp32} or {@code bf16}): {@code warmups} unmeasured steps, then the steps of
     * {@code window}, of each kind.
     */
    public static Result measure(LayerConfig config, int world, int warmups, Window window, String precision, Duration timeout) {
        if (!PRECISIONS.contains(precision))
            throw new IllegalArgumentException("the PyTorch peer runs in " + PRECISIONS + ", not '" + precision + "'");
        List<String> args = NumpyPeer.benchArguments(config, world, warmups, window);
        args.add(precision);
        String what = config + " with W=" + world + " in " + precision;
        JsonObject json = PeerProcess.figures(script(args, timeout, "bench on " + what), PEER, what);
        return new Result(json.get("forward_tokens_per_s").getAsDouble(), json.get("fwdbwd_tokens_per_s").getAsDouble(),
                json.get("impl").getAsString(), json.get("torch").getAsString(), json.get("python").getAsString(), json.get("processes").getAsInt(), json.get("threads").getAsInt(),
                json.get("tcmalloc").getAsBoolean(), json.get("precision").getAsString(), json.get("blas").getAsString());
    }

    /**
     * Checks the peer against reference-vector files in float64; returns its report, one line per
     * case, each also saying how far bfloat16 would stray from the case.
     */
    public static List<String> verify(List<Path> cases, Duration timeout) {
        return script(NumpyPeer.verifyArguments(cases), timeout, "verify").stdout().lines().toList();
    }

    /** The environment the peer runs in: tcmalloc preloaded when this machine has it. */
    static Map<String, String> environment() {
        if (!Files.isReadable(Path.of(TCMALLOC))) return Map.of();
        String preload = System.getenv("LD_PRELOAD");
        return Map.of("LD_PRELOAD", preload == null || preload.isBlank() ? TCMALLOC : preload + ":" + TCMALLOC);
    }

    private static PeerProcess.Output script(List<String> args, Duration timeout, String what) {
        String property = System.getProperty(PYTHON_PROPERTY);
        Choice choice = interpreter(property != null ? List.of(property) : CANDIDATES, timeout);
        if (choice.python == null) throw new IllegalStateException(PEER + " cannot run: " + choice.reason);
        return PeerProcess.script(choice.python, SCRIPT, args, environment(), timeout, PEER, what);
    }

    /** An interpreter that imports torch, or why there is none. */
    private record Choice(String python, String reason) {}

    /** The first of {@code candidates} that imports torch; remembered, as each probe costs an import of torch. */
    private static synchronized Choice interpreter(List<String> candidates, Duration timeout) {
        Choice known = chosen.get(candidates);
        if (known != null) return known;
        List<String> reasons = new ArrayList<>();
        Choice choice = null;
        for (String python : candidates) {
            String reason = PeerProcess.unavailableReason(python, "torch", environment(), timeout);
            if (reason == null) {
                choice = new Choice(python, null);
                break;
            }
            reasons.add(reason);
        }
        if (choice == null) choice = new Choice(null, String.join("; ", reasons));
        chosen.put(candidates, choice);
        return choice;
    }

    private static final Map<List<String>, Choice> chosen = new HashMap<>();
}
