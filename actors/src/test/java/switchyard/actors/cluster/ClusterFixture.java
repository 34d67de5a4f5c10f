package switchyard.actors.cluster;

import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import switchyard.actors.rank.RankActor;
import switchyard.actors.rank.RankSettings;
import switchyard.actors.security.TestCredentials;
import switchyard.actors.security.TransportSecurity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * N actor systems in this JVM joined as a real Akka Cluster over Artery TCP on 127.0.0.1 (free
 * ports), so messages between them really go through the network stack and the serializer.
 */
public final class ClusterFixture implements AutoCloseable {
    public final List<ActorTestKit> nodes = new ArrayList<>();

    /**
     * The cluster settings of cluster-config/cluster.conf, adapted to one JVM and test speed, with
     * the test job's credentials (so Artery runs mutual TLS and the data plane seals its frames, as
     * on a real cluster); {@code extra} wins.
     */
    public static Config config(String extra) {
        Config credentials = ConfigFactory.parseMap(java.util.Map.of("switchyard.security.credentials", TestCredentials.job().toString()));
        return TransportSecurity.apply(ConfigFactory.parseString(extra).withFallback(credentials).withFallback(ConfigFactory.parseString("""
                akka.actor.provider = cluster
                akka.remote.artery.canonical.hostname = "127.0.0.1"
                akka.remote.artery.canonical.port = 0
                akka.remote.artery.large-message-destinations = ["/user/rank-*/*", "/user/driver/**", "/system/testProbe*"]
                akka.remote.artery.advanced.maximum-large-frame-size = 2 MiB
                akka.remote.artery.advanced.large-buffer-pool-size = 4
                akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                akka.cluster.downing-provider-class = "akka.cluster.sbr.SplitBrainResolverProvider"
                akka.cluster.split-brain-resolver.stable-after = 3s
                akka.coordinated-shutdown.exit-jvm = off
                # Akka's TLS streams may not stop when a peer closed abruptly (akka/akka-core#29162): a node that
                # cannot finish stopping must not fail the test that used it (its threads are daemons)
                akka.actor.testkit.typed.throw-on-shutdown-timeout = off
                akka.actor.testkit.typed.system-shutdown-default = 15s
                akka.loglevel = WARNING
                """)).withFallback(ActorTestKit.applicationTestConfig()).resolve());
    }

    private final String extraConfig;

    public ClusterFixture(int n, String extraConfig) {
        this.extraConfig = extraConfig;
        Config config = config(extraConfig);
        for (int i = 0; i < n; i++) nodes.add(ActorTestKit.create(ClusterNode.SYSTEM, config));
        var seed = Cluster.get(nodes.get(0).system()).selfMember().address();
        for (ActorTestKit node : nodes) Cluster.get(node.system()).manager().tell(Join.create(seed));
        TestProbe<Object> probe = nodes.get(0).createTestProbe();
        probe.awaitAssert(Duration.ofSeconds(30), () -> {
            for (ActorTestKit node : nodes) {
                long up = StreamSupport.stream(Cluster.get(node.system()).state().getMembers().spliterator(), false)
                        .filter(m -> m.status() == MemberStatus.up()).count();
                assertEquals(n, up, "members up as seen from " + node.system().address());
            }
            return null;
        });
    }

    /** One more node joining the cluster (a rank node coming back, say); returns its index once every node sees it up. */
    public int addNode() {
        ActorTestKit node = ActorTestKit.create(ClusterNode.SYSTEM, config(extraConfig));
        Cluster.get(node.system()).manager().tell(Join.create(Cluster.get(nodes.get(0).system()).selfMember().address()));
        nodes.add(node);
        TestProbe<Object> probe = nodes.get(0).createTestProbe();
        probe.awaitAssert(Duration.ofSeconds(30), () -> {
            assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status(), "the new node is up");
            return null;
        });
        return nodes.size() - 1;
    }

    /**
     * Spawns rank slot {@code r} on node {@code node}; returns it as node 0 (the driver's) sees it,
     * so configuring it and everything it answers crosses the network.
     */
    public ActorRef<RankHost.Command> host(int node, int rank) {
        return seenFrom(nodes.get(0), nodes.get(node), nodes.get(node).spawn(RankHost.create(rank), RankHost.name(rank)));
    }

    /** Configures the given slots (slot r gets {@code settings.forRank(r)}) and returns the rank actors. */
    public List<ActorRef<RankMessage>> configure(List<ActorRef<RankHost.Command>> hosts, RankSettings settings) {
        return configure(nodes.get(0), hosts, settings);
    }

    /** The same, with {@code kit} as the driver's node. */
    public static List<ActorRef<RankMessage>> configure(ActorTestKit kit, List<ActorRef<RankHost.Command>> hosts, RankSettings settings) {
        TestProbe<RankHost.HostReply> replies = kit.createTestProbe(RankHost.HostReply.class);
        List<ActorRef<RankMessage>> ranks = new ArrayList<>();
        for (int r = 0; r < hosts.size(); r++) {
            hosts.get(r).tell(new RankHost.Configure(settings.forRank(r), replies.getRef()));
            RankHost.HostReply reply = replies.receiveMessage(Duration.ofSeconds(20));
            ranks.add(assertInstanceOf(RankHost.HostReply.Configured.class, reply, "slot " + r + ": " + reply).rankActor());
        }
        return ranks;
    }

    /**
     * {@code ref}, an actor of node {@code owner}, as node {@code viewer} resolves it. Actor systems
     * in one JVM can hand each other plain local references, which bypass the network entirely;
     * the resolved form goes through Artery (and the data plane) like on separate machines.
     */
    public static <T> ActorRef<T> seenFrom(ActorTestKit viewer, ActorTestKit owner, ActorRef<T> ref) {
        return ActorRefResolver.get(viewer.system()).resolveActorRef(ActorRefResolver.get(owner.system()).toSerializationFormat(ref));
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).shutdownTestKit();
    }
}
