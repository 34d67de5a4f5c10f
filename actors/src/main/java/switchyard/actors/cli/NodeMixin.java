package switchyard.actors.cli;

import com.typesafe.config.Config;
import picocli.CommandLine.Option;
import switchyard.actors.cluster.ClusterNode;
import switchyard.actors.security.TransportSecurity;

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

    @Option(names = "--credentials", paramLabel = "DIR",
            description = "The job's credentials (made by `switchyard credentials DIR`, the same on every node): Akka then runs "
                    + "mutual TLS and the data plane proves and seals every connection. Overrides switchyard.security.credentials.")
    Path credentials;

    @Option(names = "--insecure",
            description = "Run without credentials: anyone who can reach this node's ports can join the cluster, send it "
                    + "messages and stop it. Only on a network you fully trust.")
    boolean insecure;

    Config load(String role) {
        if (credentials != null && insecure) throw new IllegalArgumentException("give either --credentials or --insecure, not both");
        java.util.Map<String, Object> overrides = new java.util.HashMap<>(ClusterNode.overrides(hostname, port, seedNodes, role));
        if (credentials != null) overrides.put("switchyard.security.credentials", credentials.toAbsolutePath().toString());
        if (insecure) overrides.put("switchyard.security.insecure", true);
        Config loaded = ClusterNode.config(config, overrides);
        if (!TransportSecurity.hasCredentials(loaded)) {
            if (!loaded.getBoolean("switchyard.security.insecure"))
                throw new IllegalArgumentException("this node has no credentials and would accept anyone who can reach its ports: "
                        + "give it the job's --credentials DIR (make them once with `switchyard credentials DIR` and copy DIR to every node), "
                        + "or say --insecure if every host that can reach it is trusted");
            System.err.println("switchyard: WARNING: running without credentials (--insecure): anyone who can reach this node's ports "
                    + "can join its cluster, send it messages and stop it");
        }
        return loaded;
    }
}
