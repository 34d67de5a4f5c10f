package switchyard.bench.crossjvm;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import switchyard.actors.cluster.ClusterNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cross-JVM bench's second node, in a JVM of its own: a rank node (for the layer across two
 * JVMs) that also runs an {@link ExchangePeer} and serves the {@link RawSocketCopy} yardstick.
 * Started only by {@link CrossJvmBench}, through {@link NodeLauncher}, with {@code switchyard
 * node}'s options and {@code --raw-copy-port PORT}; a production node runs none of this.
 */
public final class PeerNode {
    /** The command {@link NodeLauncher} starts: this class, which takes the node's options after it. */
    public static final List<String> COMMAND = List.of(PeerNode.class.getName());

    private PeerNode() {}

    /** What a JVM of the bench adds to its configuration so that it can read the bench's own messages. */
    public static Map<String, Object> benchCodecs() {
        return Map.of("switchyard.wire.codec-sets.bench", BenchCodecs.class.getName(),
                // the exchange peers' start, parts and credits travel on the data plane like a rank's
                "switchyard.data-plane.deliveries.bench.path", "/user/exchange-peer",
                "switchyard.data-plane.deliveries.bench.manifests", List.of("xS", "xP", "xA"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        if (options.containsKey("--watch-parent")) {
            long parent = Long.parseLong(options.get("--watch-parent"));
            ProcessHandle.of(parent).ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(3)), () -> System.exit(3));
        }
        RawSocketCopy.serve(Integer.parseInt(required(options, "--raw-copy-port")));
        Map<String, Object> overrides = new HashMap<>(ClusterNode.overrides(options.get("--hostname"),
                options.containsKey("--port") ? Integer.valueOf(options.get("--port")) : null,
                options.containsKey("--seed-nodes") ? List.of(options.get("--seed-nodes").split(",")) : null, "rank"));
        overrides.putAll(benchCodecs());
        if (options.containsKey("--credentials")) overrides.put("switchyard.security.credentials", options.get("--credentials"));
        if (options.containsKey("--insecure")) overrides.put("switchyard.security.insecure", Boolean.parseBoolean(options.get("--insecure")));
        Config config = ClusterNode.config(Path.of(required(options, "--config")), overrides);
        int[] ranks = Arrays.stream(required(options, "--host-ranks").split(",")).mapToInt(r -> Integer.parseInt(r.trim())).toArray();
        // under /user, where cluster.conf sends exchange parts on Artery's large-message lane
        ActorSystem<Void> system = ClusterNode.startRanks(config, ranks, Map.of("exchange-peer", ExchangePeer.create()));
        System.out.println("bench peer node " + system.address() + " hosts ranks " + Arrays.toString(ranks));
        ClusterNode.awaitTermination(system, Duration.ofDays(1));
        System.exit(0);
    }

    /** {@code --name value} pairs; anything else is refused (only {@link CrossJvmBench} starts this). */
    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length)
                throw new IllegalArgumentException("bench peer node: expected --name value pairs, got " + Arrays.toString(args));
            out.put(args[i], args[i + 1]);
        }
        return out;
    }

    private static String required(Map<String, String> options, String name) {
        String v = options.get(name);
        if (v == null) throw new IllegalArgumentException("bench peer node: " + name + " is missing");
        return v;
    }
}
