package switchyard.actors.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Switchyard rank node in its own JVM, started from the packaged jar with the repository's
 * cluster-config/cluster.conf, on 127.0.0.1. It exits if this JVM dies, and is killed on close.
 */
public final class NodeProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target", "switchyard.jar");
    public static final Path CLUSTER_CONF = Path.of("..", "cluster-config", "cluster.conf");

    public final int port;
    public final Path log;
    private final Process process;

    public NodeProcess(String name, int seedPort, String hostRanks) throws IOException {
        if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `mvn package` first");
        this.port = freePort();
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        this.log = logs.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx768m", "-XX:+UseParallelGC",
                "-jar", JAR.toString(), "node",
                "--config", CLUSTER_CONF.toString(), "--role", "rank", "--host-ranks", hostRanks,
                "--hostname", "127.0.0.1", "--port", Integer.toString(port),
                "--seed-nodes", "akka://" + ClusterNode.SYSTEM + "@127.0.0.1:" + seedPort,
                "--watch-parent", Long.toString(ProcessHandle.current().pid())));
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A port that was free a moment ago (the OS picks it). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public Process process() { return process; }

    /** kill -9. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end by itself; returns its exit code, or null on timeout. */
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
