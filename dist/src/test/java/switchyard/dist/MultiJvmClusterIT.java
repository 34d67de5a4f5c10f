package switchyard.dist;

import switchyard.actors.cluster.RankHost;
import switchyard.actors.cluster.ClusterFixture;
import switchyard.bench.crossjvm.NodeLauncher;
import switchyard.actors.cluster.ClusterDriver;

import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.rank.RankActor;
import switchyard.actors.rank.VectorRun;
import switchyard.actors.rank.VectorSettings;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Check;
import switchyard.actors.rank.V3VectorRun;
import switchyard.bench.crossjvm.ExchangePeer;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three rank nodes as separate JVM processes (the packaged jar, cluster-config/cluster.conf) and
 * this JVM as seed and driver: the reference vectors and a training run across processes.
 */
class MultiJvmClusterIT {
    static DriverNode driver;
    static final List<NodeLauncher> nodes = new ArrayList<>();
    static Map<Integer, ActorRef<RankHost.Command>> hosts;

    @BeforeAll
    static void start() throws Exception {
        driver = new DriverNode();
        nodes.add(NodeProcess.start("vectors-node-0", driver.port, "0,3"));
        nodes.add(NodeProcess.start("vectors-node-1", driver.port, "1"));
        nodes.add(NodeProcess.start("vectors-node-2", driver.port, "2"));
        hosts = driver.awaitRanks(Set.of(0, 1, 2, 3), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        nodes.forEach(NodeLauncher::close);
        if (driver != null) driver.close();
    }

    @Test
    void rankNodesRunNoBenchmarkActor() throws Exception {
        // every node registered its rank slots before awaitRanks returned; an exchange peer would have registered beside them
        TestProbe<Receptionist.Listing> listing = driver.kit.createTestProbe(Receptionist.Listing.class);
        driver.kit.system().receptionist().tell(Receptionist.find(ExchangePeer.KEY, listing.getRef()));
        assertEquals(Set.of(), listing.receiveMessage(Duration.ofSeconds(10)).getServiceInstances(ExchangePeer.KEY));
        for (ActorRef<RankHost.Command> host : hosts.values()) {
            var selection = Adapter.toClassic(driver.kit.system()).actorSelection(host.path().root().child("user").child("exchange-peer"));
            var lookup = selection.resolveOne(Duration.ofSeconds(5)).toCompletableFuture();
            var failure = assertThrows(java.util.concurrent.ExecutionException.class, lookup::get, "an exchange peer on " + host.path().address());
            assertInstanceOf(akka.actor.ActorNotFound.class, failure.getCause());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void separateJvmsMatchTheV3Reference(String name, V3Case c) {
        var settings = V3VectorRun.settings(c).withExchange(new ExchangeSettings(3L * 4 * c.dModel(), 2));
        List<ActorRef<RankHost.Command>> slots = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) slots.add(hosts.get(r));
        List<ActorRef<RankMessage>> ranks = ClusterFixture.configure(driver.kit, slots, settings);
        TestProbe<RankReply> probe = driver.kit.createTestProbe(RankReply.class);
        V3Check.assertMatches(c, V3VectorRun.drive(ranks, probe, c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void separateJvmsMatchTheReference(String name, ReferenceCase c) {
        var settings = VectorSettings.of(c).withExchange(new ExchangeSettings(3L * 4 * c.dModel(), 2));
        List<ActorRef<RankHost.Command>> slots = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) slots.add(hosts.get(r));
        List<ActorRef<RankMessage>> ranks = ClusterFixture.configure(driver.kit, slots, settings);
        TestProbe<RankReply> probe = driver.kit.createTestProbe(RankReply.class);
        ReferenceCheck.assertMatches(c, VectorRun.drive(ranks, probe, c));
    }

    @Test
    void trainingAcrossJvmsGivesTheSingleJvmDigest() {
        // blocks of ~1000 rows × 128 floats (~0.5 MB) exceed Artery's ordinary 256 KiB frame: they travel
        // between the node JVMs over the data plane (the default transport), checked bit for bit here
        SimulationOptions job = new SimulationOptions(4, 2, 1024, 128, 32, 6, 3, 1, false, 21,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(30), new ExchangeSettings(1 << 20, 4), null);
        RunListener.Outcome local = Simulation.run(job.withExchange(ExchangeSettings.direct()), ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(local.succeeded(), local.failure());
        TestProbe<TrainingRun.Event> events = driver.kit.createTestProbe(TrainingRun.Event.class);
        driver.kit.spawn(ClusterDriver.create(4, job::rankSettings, job.plan(), Duration.ofSeconds(60), events.getRef(), false), "driver");
        for (int i = 0; i < 3; i++) assertInstanceOf(TrainingRun.StepCompleted.class, events.receiveMessage(Duration.ofSeconds(90)));
        TrainingRun.Finished done = assertInstanceOf(TrainingRun.Finished.class, events.receiveMessage(Duration.ofSeconds(60)));
        assertEquals(local.digest(), done.digest());
    }
}
