package switchyard.dist;

import switchyard.actors.security.TestCredentials;
import switchyard.bench.crossjvm.NodeLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Nodes in their own JVMs, started from the packaged jar with the repository's
 * cluster-config/cluster.conf and the tests' job credentials (so Akka runs mutual TLS and the data
 * plane seals its frames, as a real deployment does).
 */
public final class NodeProcess {
    public static final Path JAR = Path.of("target", "switchyard.jar");
    public static final Path CLUSTER_CONF = Path.of("..", "cluster-config", "cluster.conf");
    private static final Path LOGS = Path.of("target", "it-logs");
    /** The command of a driver node: {@code switchyard node --role driver}. */
    private static final List<String> DRIVER_NODE = List.of("switchyard.actors.cli.Main", "node", "--role", "driver");

    private NodeProcess() {}

    /** A rank node hosting {@code hostRanks}, joining the cluster whose seed listens on {@code seedPort}. */
    public static NodeLauncher start(String name, int seedPort, String hostRanks) throws IOException {
        return start(name, seedPort, hostRanks, CLUSTER_CONF, List.of());
    }

    /** The same with another configuration file and further {@code node} options. */
    public static NodeLauncher start(String name, int seedPort, String hostRanks, Path config, List<String> nodeArgs) throws IOException {
        requireJar();
        return new NodeLauncher(JAR.toString(), config, name, seedPort, hostRanks, LOGS, withCredentials(nodeArgs));
    }

    /**
     * A driver node on {@code port}, the seed of its cluster, that runs the job {@code jobArgs} (the
     * options of {@code simulate}) once its ranks have registered, and stops them at the end.
     */
    public static NodeLauncher startDriver(String name, int port, Path config, List<String> jobArgs) throws IOException {
        requireJar();
        return new NodeLauncher(port, JAR.toString(), DRIVER_NODE, config, name, port, null, LOGS, withCredentials(jobArgs));
    }

    private static List<String> withCredentials(List<String> args) {
        List<String> out = new java.util.ArrayList<>(args);
        out.addAll(List.of("--credentials", TestCredentials.job().toString()));
        return out;
    }

    /** A node configuration file that includes cluster-config/cluster.conf and then says {@code settings}. */
    public static Path config(String name, String settings) throws IOException {
        Path file = Files.createDirectories(LOGS).resolve(name + ".conf");
        Files.writeString(file, "include file(\"" + CLUSTER_CONF.toAbsolutePath().normalize() + "\")\n" + settings + "\n");
        return file;
    }

    /**
     * Polls {@code node}'s output until a line matches {@code line}; fails when the process ends
     * first or {@code max} passes.
     */
    public static Matcher awaitLine(NodeLauncher node, Pattern line, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            Matcher m = line.matcher(node.logText());
            if (m.find()) return m;
            if (!node.process().isAlive()) throw new AssertionError(node.log + " ended without a line like " + line + ":\n" + node.logText());
            if (System.nanoTime() > deadline) throw new AssertionError("no line like " + line + " in " + node.log + " within " + max + ":\n" + node.logText());
            node.process().waitFor(100, TimeUnit.MILLISECONDS); // returns at once if the process ends
        }
    }

    /** Sends {@code signal} (such as STOP or CONT) to {@code node}'s process: Java has no API for it. */
    public static void signal(NodeLauncher node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process().pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
            throw new AssertionError("kill -" + signal + " " + node.process().pid() + " failed");
    }

    public static int freePort() throws IOException {
        return NodeLauncher.freePort();
    }

    private static void requireJar() {
        if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `mvn package` first");
    }
}
