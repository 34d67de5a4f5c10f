package switchyard.dist;

import switchyard.actors.cluster.RankHost;
import switchyard.actors.cluster.ClusterNode;
import switchyard.actors.security.TestCredentials;
import switchyard.actors.security.TransportSecurity;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * This test JVM as the seed node and driver of a cluster whose rank nodes are separate processes,
 * configured from the repository's cluster-config/cluster.conf like a real deployment.
 */
public final class DriverNode implements AutoCloseable {
    public final int port;
    public final ActorTestKit kit;

    public DriverNode() throws java.io.IOException {
        port = NodeProcess.freePort();
        Config config = ConfigFactory.parseMap(Map.of(
                        "akka.remote.artery.canonical.hostname", "127.0.0.1",
                        "akka.remote.artery.canonical.port", port,
                        "akka.cluster.seed-nodes", java.util.List.of("akka://" + ClusterNode.SYSTEM + "@127.0.0.1:" + port),
                        "akka.cluster.roles", java.util.List.of("driver"),
                        "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                        "akka.coordinated-shutdown.exit-jvm", "off",
                        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
                        "akka.actor.testkit.typed.throw-on-shutdown-timeout", "off", // see ClusterFixture
                        "switchyard.security.credentials", TestCredentials.job().toString()))
                .withFallback(ConfigFactory.parseFile(NodeProcess.CLUSTER_CONF.toFile()))
                .withFallback(ActorTestKit.applicationTestConfig())
                .resolve();
        config = TransportSecurity.apply(config);
        kit = ActorTestKit.create(ClusterNode.SYSTEM, config);
    }

    /** Waits until exactly the given ranks have registered their slots; returns them by rank. */
    public Map<Integer, ActorRef<RankHost.Command>> awaitRanks(Set<Integer> ranks, Duration max) {
        TestProbe<Receptionist.Listing> probe = kit.createTestProbe(Receptionist.Listing.class);
        kit.system().receptionist().tell(Receptionist.subscribe(RankHost.KEY, probe.getRef()));
        Map<Integer, ActorRef<RankHost.Command>> found = new TreeMap<>();
        probe.awaitAssert(max, () -> {
            Receptionist.Listing listing = probe.receiveMessage(max);
            found.clear();
            for (ActorRef<RankHost.Command> h : listing.getServiceInstances(RankHost.KEY)) found.put(RankHost.rankOf(h), h);
            assertEquals(ranks, found.keySet());
            return null;
        });
        return found;
    }

    @Override
    public void close() {
        kit.shutdownTestKit();
    }
}
