package switchyard.actors.cli;

import com.typesafe.config.Config;
import picocli.CommandLine.Option;
import switchyard.actors.cluster.ClusterNode;

import java.nio.file.Path;
import java.util.List;

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
        return ClusterNode.config(config, ClusterNode.overrides(hostname, port, seedNodes, role));
    }
}
