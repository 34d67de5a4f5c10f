package switchyard.dist;

import switchyard.actors.security.TestCredentials;
import switchyard.bench.crossjvm.NodeLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A rank node in its own JVM, started from the packaged jar with the repository's
 * cluster-config/cluster.conf and the tests' job credentials (so Akka runs mutual TLS and the data
 * plane seals its frames, as a real deployment does).
 */
public final class NodeProcess {
    public static final Path JAR = Path.of("target", "switchyard.jar");
    public static final Path CLUSTER_CONF = Path.of("..", "cluster-config", "cluster.conf");

    private NodeProcess() {}

    public static NodeLauncher start(String name, int seedPort, String hostRanks) throws IOException {
        if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `mvn package` first");
        return new NodeLauncher(JAR.toString(), CLUSTER_CONF, name, seedPort, hostRanks, Path.of("target", "it-logs"),
                List.of("--credentials", TestCredentials.job().toString()));
    }

    public static int freePort() throws IOException {
        return NodeLauncher.freePort();
    }
}
