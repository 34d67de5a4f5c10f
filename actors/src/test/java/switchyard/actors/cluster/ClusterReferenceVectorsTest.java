package switchyard.actors.cluster;

import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.rank.V3VectorRun;
import switchyard.actors.rank.VectorRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.RankActor;
import switchyard.actors.rank.VectorSettings;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Check;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every reference case on a real 3-node cluster in this JVM: rank r lives on node r mod 3, the
 * driver (a probe) on node 0, blocks are split into small paced parts, and every message between
 * nodes crosses Artery TCP through the project's serializer. The separate-JVM half of this check
 * is {@code MultiJvmClusterIT}.
 */
class ClusterReferenceVectorsTest {
    static ClusterFixture cluster;
    static final List<ActorRef<RankHost.Command>> hosts = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(3, "");
        for (int r = 0; r < 4; r++) hosts.add(cluster.host(r % 3, r));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(ReferenceCases.all().isEmpty(), "no reference case in " + ReferenceCases.directory());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void threeNodesMatchTheReference(String name, ReferenceCase c) {
        var settings = VectorSettings.of(c).withExchange(new ExchangeSettings(3L * 4 * c.dModel(), 2));
        List<ActorRef<RankMessage>> ranks = cluster.configure(hosts.subList(0, c.worldSize()), settings);
        TestProbe<RankReply> driver = cluster.nodes.get(0).createTestProbe(RankReply.class);
        ReferenceCheck.assertMatches(c, VectorRun.drive(ranks, driver, c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void threeNodesMatchTheV3Reference(String name, V3Case c) {
        var settings = V3VectorRun.settings(c).withExchange(new ExchangeSettings(3L * 4 * c.dModel(), 2));
        List<ActorRef<RankMessage>> ranks = cluster.configure(hosts.subList(0, c.worldSize()), settings);
        TestProbe<RankReply> driver = cluster.nodes.get(0).createTestProbe(RankReply.class);
        V3Check.assertMatches(c, V3VectorRun.drive(ranks, driver, c));
    }
}
