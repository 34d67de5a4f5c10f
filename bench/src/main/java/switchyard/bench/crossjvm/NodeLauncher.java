package switchyard.bench.crossjvm;

import switchyard.actors.cluster.ClusterNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Switchyard rank node in its own JVM on 127.0.0.1 (for the cross-JVM benchmark and the
 * multi-JVM tests). The child exits when this JVM ends, and is killed by {@link #close()}.
 */
public final class NodeLauncher implements AutoCloseable {
    public final int port;
    public final Path log;
    private final Process process;

    /** The command of a rank node: {@code switchyard node --role rank}. */
    public static final List<String> RANK_NODE = List.of("switchyard.actors.cli.Main", "node", "--role", "rank");

    /**
     * A rank node started with {@code switchyard node}.
     *
     * @param classPath  where the child finds Switchyard (the jar, or a class path)
     * @param config     the node's configuration file
     * @param extraArgs  further {@code node} options
     */
    public NodeLauncher(String classPath, Path config, String name, int seedPort, String hostRanks, Path logDir,
                        List<String> extraArgs) throws IOException {
        this(classPath, RANK_NODE, config, name, seedPort, hostRanks, logDir, extraArgs);
    }

    /**
     * A node started with {@code command} (a main class and its first arguments), which must take
     * {@code switchyard node}'s options {@code --config --host-ranks --hostname --port --seed-nodes
     * --watch-parent} after them.
     */
    public NodeLauncher(String classPath, List<String> command, Path config, String name, int seedPort, String hostRanks,
                        Path logDir, List<String> extraArgs) throws IOException {
        this(freePort(), classPath, command, config, name, seedPort, hostRanks, logDir, extraArgs);
    }

    /**
     * The same on {@code port}; a node whose {@code seedPort} is its own port is the seed that
     * forms the cluster. {@code hostRanks} null gives no {@code --host-ranks} (a driver node).
     */
    public NodeLauncher(int port, String classPath, List<String> command, Path config, String name, int seedPort, String hostRanks,
                        Path logDir, List<String> extraArgs) throws IOException {
        this.port = port;
        this.log = Files.createDirectories(logDir).resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // no code cache sweeping, as in the ./switchyard launcher (see there)
                "--add-modules", "jdk.incubator.vector", "-XX:-UseCodeCacheFlushing", "-Xmx2g", "-XX:+UseParallelGC"));
        if (hugePagesOnRequest()) cmd.add("-XX:+UseTransparentHugePages"); // as in the launcher (see there)
        cmd.addAll(List.of(
                "-cp", classPath));
        cmd.addAll(command);
        cmd.addAll(List.of("--config", config.toString()));
        if (hostRanks != null) cmd.addAll(List.of("--host-ranks", hostRanks));
        cmd.addAll(List.of(
                "--hostname", "127.0.0.1", "--port", Integer.toString(port),
                "--seed-nodes", "akka://" + ClusterNode.SYSTEM + "@127.0.0.1:" + seedPort,
                "--watch-parent", Long.toString(ProcessHandle.current().pid())));
        cmd.addAll(extraArgs);
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Whether Linux grants transparent huge pages to a JVM that asks (THP "always" or "madvise"). */
    static boolean hugePagesOnRequest() {
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or no THP: the JVM would only warn that it cannot have them
        }
    }

    /** A loopback port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public Process process() { return process; }

    /** kill -9. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end by itself; its exit code, or null on timeout. */
    public Integer awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
