package switchyard.bench.peer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the peers share: their Python scripts, copied out of the jar into one directory (python
 * cannot read them inside it, and the PyTorch peer imports the NumPy peer's checks and clock from
 * beside it), and a child process that must finish within a time limit.
 */
final class PeerProcess {
    /** Every peer script, under {@value #RESOURCES} on the class path. */
    private static final List<String> SCRIPTS = List.of("index_moe.py", "torch_moe.py");
    private static final String RESOURCES = "switchyard/peer/";

    private PeerProcess() {}

    record Output(int exitCode, String stdout, String stderr) {}

    /**
     * Why {@code python} cannot run a peer here (it does not start, or cannot import
     * {@code module}), or null when it can.
     */
    static String unavailableReason(String python, String module, Map<String, String> env, Duration timeout) {
        try {
            Output out = run(python, List.of("-c", "import " + module), env, timeout, "the " + module + " probe");
            return out.exitCode == 0 ? null : python + " cannot import " + module + ": " + out.stderr.strip();
        } catch (IOException e) {
            return "no " + python + " to run (" + e.getMessage() + ")";
        }
    }

    /**
     * Runs peer script {@code script} with {@code args}; a non-zero exit is an error carrying its
     * stderr. {@code peer} names the peer in messages, {@code what} the job.
     */
    static Output script(String python, String script, List<String> args, Map<String, String> env, Duration timeout,
                         String peer, String what) {
        List<String> all = new ArrayList<>();
        all.add(extracted().resolve(script).toString());
        all.addAll(args);
        try {
            Output out = run(python, all, env, timeout, peer);
            if (out.exitCode != 0)
                throw new IllegalStateException(peer + "'s " + what + " failed (exit " + out.exitCode + "): " + out.stderr.strip());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + python + " for " + peer, e);
        }
    }

    /** The one JSON line a peer's bench prints, or an error naming {@code peer} and {@code what} it ran. */
    static JsonObject figures(Output out, String peer, String what) {
        try {
            return JsonParser.parseString(out.stdout.strip()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalStateException(peer + " printed no figures for " + what + ": '" + out.stdout.strip() + "'", e);
        }
    }

    /** Runs {@code python args}, with {@code env} added to this JVM's environment. */
    private static Output run(String python, List<String> args, Map<String, String> env, Duration timeout, String peer)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(python);
        command.addAll(args);
        Path stdout = Files.createTempFile("switchyard-peer-", ".out");
        Path stderr = Files.createTempFile("switchyard-peer-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        // The PyTorch peer imports the NumPy peer's script: no __pycache__ in the temporary directory.
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = builder.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(peer + " (" + String.join(" ", command) + ") did not finish within " + timeout);
            }
            return new Output(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + peer, e);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The directory of the scripts, copied out of the jar once per JVM. */
    private static synchronized Path extracted() {
        if (extracted == null) {
            try {
                Path dir = Files.createTempDirectory("switchyard-peer-");
                dir.toFile().deleteOnExit();
                for (String name : SCRIPTS) {
                    try (InputStream in = PeerProcess.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
                        if (in == null) throw new IllegalStateException("the peer script " + RESOURCES + name + " is missing from the class path");
                        Path file = dir.resolve(name);
                        Files.write(file, in.readAllBytes());
                        file.toFile().deleteOnExit(); // registered after the directory: deleted before it
                    }
                }
                extracted = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the peer scripts", e);
            }
        }
        return extracted;
    }

    private static Path extracted;
}
