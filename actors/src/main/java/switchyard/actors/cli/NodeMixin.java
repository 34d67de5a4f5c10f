package switchyard.actors.cli;

import com.typesafe.config.Config;
import picocli.CommandLine.Option;
import switchyard.actors.cluster.ClusterNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where a node listens and which cluster it joins: a config file plus command-line overrides. */
final class NodeMixin {
    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "Node configuration (HOCON), e.g. cluster-config/node-1.conf; it usually includes cluster.conf.")
    Path config;

    @Option(names = "--hostname", paramLabel = "HOST", description = "Address other nodes reach this one at (overrides the config).")
    String hostname;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port of this node (overrides the config; 0 = any free port).")
    Integer port;

    @Option(names = "--seed-nodes", paramLabel = "ADDRS", split = ",",
            description = "Seed nodes, e.g. akka://switchyard@host0:25520 (overrides the config).")
    List<String> seedNodes;

    Config load(String role) {
        Map<String, Object> overrides = new HashMap<>();
        if (hostname != null) overrides.put("akka.remote.artery.canonical.hostname", hostname);
        if (port != null) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
            overrides.put("akka.remote.artery.canonical.port", port);
        }
        if (seedNodes != null) overrides.put("akka.cluster.seed-nodes", seedNodes);
        overrides.put("akka.cluster.roles", List.of(role));
        return ClusterNode.config(config, overrides);
    }
}
