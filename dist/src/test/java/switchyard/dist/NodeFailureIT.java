package switchyard.dist;

import switchyard.actors.cluster.RankHost;
import switchyard.bench.crossjvm.NodeLauncher;
import switchyard.actors.cluster.ClusterDriver;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a rank node in the middle of a run: the driver reports it within the deadline, naming
 * the rank and the node; the surviving node JVMs still answer and exit cleanly when told to.
 */
class NodeFailureIT {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aKilledNodeFailsTheRunAndTheSurvivorsStayResponsive() throws Exception {
        try (DriverNode driver = new DriverNode();
             NodeLauncher n0 = NodeProcess.start("failure-node-0", driver.port, "0");
             NodeLauncher n1 = NodeProcess.start("failure-node-1", driver.port, "1");
             NodeLauncher n2 = NodeProcess.start("failure-node-2", driver.port, "2")) {
            Map<Integer, ActorRef<RankHost.Command>> hosts = driver.awaitRanks(Set.of(0, 1, 2), Duration.ofSeconds(90));
            SimulationOptions job = new SimulationOptions(3, 2, 256, 32, 64, 6, 100_000, 1, false, 5,
                    RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("sgd:lr=0.01"), "best",
                    DEADLINE, new ExchangeSettings(1 << 14, 4), null);
            TestProbe<TrainingRun.Event> events = driver.kit.createTestProbe(TrainingRun.Event.class);
            driver.kit.spawn(ClusterDriver.create(3, job::rankSettings, job.plan(), Duration.ofSeconds(60), events.getRef(), false), "driver");
            assertInstanceOf(TrainingRun.StepCompleted.class, events.receiveMessage(Duration.ofSeconds(90)));

            n2.kill();
            long killed = System.nanoTime();
            List<TrainingRun.Event> seen = events.fishForMessage(DEADLINE.plusSeconds(10),
                    e -> e instanceof TrainingRun.Failed ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
            double seconds = (System.nanoTime() - killed) / 1e9;
            String reason = ((TrainingRun.Failed) seen.get(seen.size() - 1)).reason();
            assertTrue(reason.contains("rank 2") && reason.contains("127.0.0.1:" + n2.port), reason);
            assertTrue(seconds <= DEADLINE.toSeconds() + 5, "failure reported after " + seconds + " s");
            System.out.printf("kill -9 of node 2 reported after %.1f s: %s%n", seconds, reason);

            // the survivors still answer, then stop cleanly when asked
            TestProbe<RankHost.HostReply> pong = driver.kit.createTestProbe(RankHost.HostReply.class);
            for (int r : new int[] {0, 1}) {
                hosts.get(r).tell(new RankHost.Ping(pong.getRef()));
                assertEquals(new RankHost.HostReply.Pong(r), pong.receiveMessage(Duration.ofSeconds(20)));
                hosts.get(r).tell(new RankHost.Shutdown("test over"));
            }
            assertEquals(0, n0.awaitExit(60), () -> "node 0 did not exit cleanly:\n" + n0.logText());
            assertEquals(0, n1.awaitExit(60), () -> "node 1 did not exit cleanly:\n" + n1.logText());
        }
    }
}
