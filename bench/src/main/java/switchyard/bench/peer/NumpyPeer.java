package switchyard.bench.peer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Window;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    static final String SCRIPT = "switchyard/peer/index_moe.py";
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
        try {
            Output out = run(python, List.of("-c", "import numpy"), timeout);
            return out.exitCode == 0 ? null : python + " cannot import numpy: " + out.stderr.strip();
        } catch (IOException e) {
            return "no " + python + " to run (" + e.getMessage() + ")";
        }
    }

    /**
     * Runs the peer on {@code config} with {@code world} ranks: {@code warmups} unmeasured steps,
     * then the steps of {@code window}, of each kind.
     */
    public static Result measure(LayerConfig config, int world, int warmups, Window window, Duration timeout) {
        Output out = script(List.of("bench", String.valueOf(config.tokens()), String.valueOf(config.modelDim()),
                String.valueOf(config.hiddenDim()), String.valueOf(config.experts()), String.valueOf(world),
                String.valueOf(warmups), String.valueOf(window.leastSteps()), String.valueOf(window.leastNanos() / 1e9)),
                timeout, "bench on " + config + " with W=" + world);
        JsonObject json;
        try {
            json = JsonParser.parseString(out.stdout.strip()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the NumPy peer printed no figures for " + config + " W=" + world + ": '" + out.stdout.strip() + "'", e);
        }
        return new Result(json.get("forward_tokens_per_s").getAsDouble(), json.get("fwdbwd_tokens_per_s").getAsDouble(),
                json.get("numpy").getAsString(), json.get("python").getAsString());
    }

    /** Checks the peer against reference-vector files; returns its report, one line per case. */
    public static List<String> verify(List<Path> cases, Duration timeout) {
        List<String> args = new ArrayList<>();
        args.add("verify");
        for (Path c : cases) args.add(c.toAbsolutePath().toString());
        return script(args, timeout, "verify").stdout.lines().toList();
    }

    private record Output(int exitCode, String stdout, String stderr) {}

    /** Runs the script with these arguments; a non-zero exit is an error carrying its stderr. */
    private static Output script(List<String> args, Duration timeout, String what) {
        Path script = extracted();
        List<String> all = new ArrayList<>();
        all.add(script.toString());
        all.addAll(args);
        try {
            Output out = run(PYTHON, all, timeout);
            if (out.exitCode != 0)
                throw new IllegalStateException("the NumPy peer's " + what + " failed (exit " + out.exitCode + "): " + out.stderr.strip());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + PYTHON + " for the NumPy peer", e);
        }
    }

    private static Output run(String python, List<String> args, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(python);
        command.addAll(args);
        Path stdout = Files.createTempFile("switchyard-peer-", ".out");
        Path stderr = Files.createTempFile("switchyard-peer-", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the NumPy peer (" + String.join(" ", command) + ") did not finish within " + timeout);
            }
            return new Output(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the NumPy peer", e);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The script, copied out of the jar once per JVM (python cannot read it inside). */
    private static synchronized Path extracted() {
        if (extracted == null) {
            try (InputStream in = NumpyPeer.class.getClassLoader().getResourceAsStream(SCRIPT)) {
                if (in == null) throw new IllegalStateException("the NumPy peer's script " + SCRIPT + " is missing from the class path");
                Path file = Files.createTempFile("switchyard-index-moe-", ".py");
                file.toFile().deleteOnExit();
                Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                extracted = file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the NumPy peer's script", e);
            }
        }
        return extracted;
    }

    private static Path extracted;
}
