package switchyard.actors.cli;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import switchyard.actors.cluster.ClusterNode;
import switchyard.actors.cluster.DriverLoss;
import switchyard.actors.cluster.FailureDetection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code switchyard node}: one cluster node, hosting rank slots or running the driver. */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start one node of a Switchyard cluster.",
                "  --role rank    hosts the rank slots given by --host-ranks (or by",
                "                 --ranks-per-node and --node-index) and serves until the",
                "                 driver ends the job (or Ctrl-C). It waits for a driver to",
                "                 come, and for the next one after a driver left in order;",
                "                 a driver that is lost (see --driver-lost-timeout) stops it",
                "                 with exit code 1.",
                "  --role driver  waits for all W rank slots, runs the job given by the job",
                "                 options (the same as for `simulate`, with the same digest)",
                "                 and stops the rank nodes at the end."})
public final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeMixin node;

    @Option(names = "--role", paramLabel = "ROLE", description = "rank or driver (default: ${DEFAULT-VALUE}).")
    String role = "rank";

    @Option(names = "--host-ranks", paramLabel = "LIST", description = "Ranks this node hosts, e.g. 0,1 or 2-3 (role rank).")
    String hostRanks;

    @Option(names = "--ranks-per-node", paramLabel = "N", description = "With --node-index: host ranks I·N .. I·N+N-1 (role rank).")
    Integer ranksPerNode;

    @Option(names = "--node-index", paramLabel = "I", description = "This node's index for --ranks-per-node (role rank).")
    Integer nodeIndex;

    @Option(names = "--driver-lost-timeout", paramLabel = "SECONDS",
            description = "Stop this rank node (exit code 1, naming the driver) once the driver node has been unreachable "
                    + "this long, in seconds, or was removed from the cluster (default: switchyard.driver-lost-timeout "
                    + "of the configuration, 30 s) (role rank).")
    Double driverLostTimeout;

    @Mixin
    DriverMixin driver;

    @Option(names = "--watch-parent", paramLabel = "PID", hidden = true,
            description = "Exit when process PID ends (used by tests that start nodes, so none outlives its test).")
    Long parentPid;

    @Override
    public Integer call() {
        if (parentPid != null) {
            ProcessHandle.of(parentPid).ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(3)), () -> System.exit(3));
        }
        return switch (role) {
            case "rank" -> runRanks();
            case "driver" -> driver.run(node.load("driver"), spec.commandLine());
            default -> throw new IllegalArgumentException("--role must be rank or driver, got '" + role + "'");
        };
    }

    private int runRanks() {
        int[] hosted = hostedRanks();
        Config config = node.load("rank");
        CompletableFuture<String> driverLost = new CompletableFuture<>();
        ActorSystem<Void> system = ClusterNode.startRanks(config, hosted,
                Map.of("driver-loss", DriverLoss.create(driverLostTimeout(config), driverLost)));
        spec.commandLine().getOut().printf("node %s hosts ranks %s%n", system.address(), java.util.Arrays.toString(hosted));
        spec.commandLine().getOut().flush();
        // the node stops itself when its job is over or its driver lost
        ClusterNode.awaitStopped(system, Duration.ofSeconds(30));
        if (ClusterNode.failedToJoin(system)) throw new IllegalArgumentException(ClusterNode.shutdownReason(system));
        if (driverLost.isDone()) {
            spec.commandLine().getErr().println("node stopped: " + driverLost.join());
            return UserErrors.FAILED;
        }
        spec.commandLine().getOut().println("node stopped: " + ClusterNode.shutdownReason(system));
        return 0;
    }

    private Duration driverLostTimeout(Config config) {
        if (driverLostTimeout == null) return FailureDetection.of(config).driverLostTimeout();
        if (!(driverLostTimeout > 0) || driverLostTimeout.isInfinite())
            throw new IllegalArgumentException("--driver-lost-timeout must be a positive number of seconds, got " + driverLostTimeout);
        return Duration.ofMillis((long) (driverLostTimeout * 1000));
    }

    int[] hostedRanks() {
        if (hostRanks != null && (ranksPerNode != null || nodeIndex != null))
            throw new IllegalArgumentException("give either --host-ranks or --ranks-per-node with --node-index, not both");
        if (hostRanks != null) return parseRanks(hostRanks);
        if (ranksPerNode == null || nodeIndex == null)
            throw new IllegalArgumentException("a rank node needs --host-ranks, or --ranks-per-node with --node-index");
        if (ranksPerNode < 1 || nodeIndex < 0)
            throw new IllegalArgumentException("--ranks-per-node must be >= 1 and --node-index >= 0");
        int[] out = new int[ranksPerNode];
        for (int i = 0; i < ranksPerNode; i++) out[i] = nodeIndex * ranksPerNode + i;
        return out;
    }

    /** {@code 0,1,4-6} → [0, 1, 4, 5, 6]. */
    static int[] parseRanks(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            try {
                if (p.contains("-")) {
                    String[] ab = p.split("-", 2);
                    int a = Integer.parseInt(ab[0].trim()), b = Integer.parseInt(ab[1].trim());
                    if (a > b) throw new IllegalArgumentException("rank range '" + p + "' is empty");
                    for (int r = a; r <= b; r++) out.add(r);
                } else {
                    out.add(Integer.parseInt(p));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--host-ranks takes numbers and ranges like 0,1 or 2-3, got '" + text + "'");
            }
        }
        if (out.stream().anyMatch(r -> r < 0)) throw new IllegalArgumentException("ranks must be >= 0, got '" + text + "'");
        if (out.stream().distinct().count() != out.size()) throw new IllegalArgumentException("--host-ranks lists a rank twice: '" + text + "'");
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
