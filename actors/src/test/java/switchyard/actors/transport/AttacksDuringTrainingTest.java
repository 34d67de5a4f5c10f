package switchyard.actors.transport;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.ConfigFactory;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.actors.cluster.ClusterDriver;
import switchyard.actors.cluster.ClusterFixture;
import switchyard.actors.cluster.RankHost;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.gate.RoutingOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks of issue 23, by a stranger on the same host who knows only the ports, against the
 * data plane of a rank node of a 3-node cluster while it trains: a hello borrowing a real peer's
 * name followed by a Shutdown for a rank slot, the same hello and a hang-up, a Dispatch whose
 * counts overflow or would allocate gigabytes, fifty connections that send only a TLS-like
 * length, and fuzzed handshakes. The run must end with the digest of the same job in one JVM,
 * the node must still be up, and every attack must have been refused.
 */
class AttacksDuringTrainingTest {
    private static SimulationOptions job() {
        return new SimulationOptions(3, 2, 48, 16, 24, 5, 10, 2, true, 9,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(5L * 16 * 4, 2), null);
    }

    @Test
    void aStrangersAttacksChangeNothing() throws Exception {
        SimulationOptions job = job();
        RunListener.Outcome local = Simulation.run(job.withExchange(ExchangeSettings.direct()), ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(local.succeeded(), local.failure());
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            c.host(1, 0);
            c.host(2, 1);
            c.host(1, 2);
            ActorSystem<?> victim = c.nodes.get(1).system();
            String realPeer = c.nodes.get(2).system().address().toString();
            AtomicBoolean training = new AtomicBoolean(true);
            AtomicInteger rounds = new AtomicInteger();
            List<Throwable> attackerErrors = new ArrayList<>();
            Thread attacker = new Thread(() -> {
                try {
                    do {
                        attackOnce(victim, realPeer, new Random(rounds.get()));
                        rounds.incrementAndGet();
                    } while (training.get());
                } catch (Throwable t) {
                    attackerErrors.add(t);
                }
            }, "attacker");
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            attacker.start();
            c.nodes.get(0).spawn(ClusterDriver.create(job.worldSize(), job::rankSettings, job.plan(), Duration.ofSeconds(30),
                    events.getRef(), false), "driver");
            TrainingRun.Finished done = (TrainingRun.Finished) events.fishForMessage(Duration.ofSeconds(120), e ->
                    e instanceof TrainingRun.Failed f ? fail(f.reason())
                            : e instanceof TrainingRun.Finished ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                            : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
            training.set(false);
            attacker.join(60_000);
            assertTrue(attackerErrors.isEmpty(), () -> "the attacker itself failed: " + attackerErrors);
            assertTrue(rounds.get() >= 1, "at least one full round of attacks while training");
            assertEquals(local.digest(), done.digest());
            assertFalse(victim.whenTerminated().isCompleted(), "the attacked node stopped");
        }
    }

    private static akka.actor.testkit.typed.FishingOutcome fail(String reason) {
        throw new AssertionError("the run failed under attack: " + reason);
    }

    /** One round of every attack; each must end with the victim closing the connection. */
    private static void attackOnce(ActorSystem<?> victim, String realPeer, Random random) throws IOException {
        ActorRef<RankHost.Command> slot = akka.actor.typed.ActorRefResolver.get(victim)
                .resolveActorRef(victim.address() + "/user/" + RankHost.name(0));
        byte[] hello = HandshakeFuzzTest.hello(realPeer, victim.address().toString(), LinkSecurity.Mode.SEALED);
        // the 112-byte attack: a hello in a real peer's name, then a Shutdown for a rank slot
        try (TestPeer p = TestPeer.connect(victim)) {
            p.write(hello).write(p.frame(victim, slot, new RankHost.Shutdown("a stranger says so"))); // not sealed: it has no key
            p.assertClosedByTheNode();
        }
        // the 86-byte attack: the hello, then hang up
        try (TestPeer p = TestPeer.connect(victim)) {
            p.write(hello);
        }
        // dispatches whose counts overflow or would take gigabytes, for a step just ahead
        for (int[] counts : new int[][] {{Integer.MAX_VALUE, 0}, {Integer.MAX_VALUE, Integer.MAX_VALUE, 2}, {33554431, 0}}) {
            try (TestPeer p = TestPeer.connect(victim)) {
                ExchangePart forged = ExchangePart.dispatch(3, 1, true, new RowPart(counts, 0, new FMatrixRMaj(0, 16), 0, 0));
                p.write(hello).write(p.frame(victim, slot, forged));
                p.assertClosedByTheNode();
            } catch (IllegalArgumentException unbuildable) {
                // counts a RowPart refuses to hold cannot even be written: nothing to send
            }
        }
        // fifty connections that send only a TLS ClientHello's first four bytes
        List<TestPeer> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) flood.add(TestPeer.connect(victim).write(new byte[] {0x16, 0x03, 0x01, 0x02}));
            for (TestPeer p : flood) p.assertClosedByTheNode();
        } finally {
            for (TestPeer p : flood) p.close();
        }
        // fuzzed handshakes
        for (int i = 0; i < 60; i++) {
            try (TestPeer p = TestPeer.connect(victim)) {
                p.write(HandshakeFuzzTest.handshakeInput(i, random));
                p.channel.shutdownOutput();
                p.assertClosedByTheNode();
            }
        }
    }
}
