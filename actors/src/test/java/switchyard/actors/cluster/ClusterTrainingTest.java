package switchyard.actors.cluster;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.protocol.RowEncoding;
import switchyard.math.precision.Precision;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.DataPlaneStats;
import switchyard.actors.transport.Transport;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training through the cluster driver on 3 in-JVM nodes: discovery, digest, failures. */
class ClusterTrainingTest {
    private static SimulationOptions job(int steps) {
        return new SimulationOptions(3, 2, 48, 16, 24, 5, steps, 2, true, 9,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(5L * 16 * 4, 2), null);
    }

    private static ActorRef<ClusterDriver.Command> startDriver(ClusterFixture c, SimulationOptions job, TestProbe<TrainingRun.Event> events,
                                                               Duration discovery) {
        return c.nodes.get(0).spawn(ClusterDriver.create(job.worldSize(), job::rankSettings, job.plan(), discovery,
                events.getRef(), false), "driver");
    }

    /** Starts {@code job} with ranks 0 and 2 on node 1 and rank 1 on node 2; its events come to the returned probe. */
    static TestProbe<TrainingRun.Event> runOnThreeRanks(ClusterFixture c, SimulationOptions job) {
        c.host(1, 0);
        c.host(2, 1);
        c.host(1, 2);
        TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
        startDriver(c, job, events, Duration.ofSeconds(30));
        return events;
    }

    /**
     * Bit-identical to one JVM over either transport, in float32 and with bfloat16 expert products
     * and bfloat16 rows; over the data plane the exchange parts between the two rank nodes really
     * travel as its frames (and over Artery none do).
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"DATA_PLANE, FP32", "ARTERY, FP32", "DATA_PLANE, BF16", "ARTERY, BF16"})
    void aClusterRunGivesTheDigestOfTheSingleJvmRun(Transport transport, Precision precision) {
        RowEncoding rows = precision == Precision.BF16 ? RowEncoding.BF16 : RowEncoding.FP32;
        SimulationOptions job = job(4).withPrecision(precision);
        job = job.withExchange(job.exchange().over(transport).withRows(rows));
        RunListener.Outcome local = Simulation.run(job.withExchange(ExchangeSettings.direct().withRows(rows)), ConfigFactory.load(), null,
                Duration.ofMinutes(2));
        assertTrue(local.succeeded(), local.failure());
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            TestProbe<TrainingRun.Event> events = runOnThreeRanks(c, job);
            for (int i = 0; i < 4; i++) assertInstanceOf(TrainingRun.StepCompleted.class, events.receiveMessage(Duration.ofSeconds(60)));
            TrainingRun.Finished done = assertInstanceOf(TrainingRun.Finished.class, events.receiveMessage(Duration.ofSeconds(30)));
            assertEquals(local.digest(), done.digest());
            for (int n : new int[] {1, 2}) {
                DataPlaneStats.Snapshot stats = DataPlane.get(c.nodes.get(n).system()).stats();
                if (transport == Transport.DATA_PLANE) {
                    // 4 updates × 2 micro-batches × 4 exchanges, at least one part each way between the nodes
                    assertTrue(stats.framesReceived() >= 32 && stats.framesSent() >= 32, "node " + n + ": " + stats);
                } else {
                    assertEquals(0, stats.framesReceived() + stats.framesSent(), "node " + n + ": " + stats);
                }
            }
        }
    }

    /**
     * Replicated experts moving between nodes: W = 4, ranks 0 and 1 on node 1 and 2 and 3 on node 2,
     * and after update 1 every expert leaves its node, weights and Adam state travelling over the
     * data plane. The run ends with the single-JVM run's digest, and routes the single-JVM run's rows
     * to every rank in every update, which after the move are not those of experts that stay.
     */
    @Test
    void replicatedExpertsMovingAcrossNodesGiveTheSingleJvmDigest() {
        Placement start = Placement.parse("W=4 L=2 R=1 | 0 1 6 | 2 3 7 | 4 5 0 | 6 7 1");
        Placement swapped = Placement.parse("W=4 L=2 R=1 | 4 5 2 | 6 7 3 | 0 1 4 | 2 3 5");
        Replanner acrossNodes = (update, tokens, more) -> update == 1 ? swapped : null;
        SimulationOptions job = new SimulationOptions(4, 2, 64, 16, 32, 5, 4, 1, false, 9,
                RoutingOptions.builder().topK(2).auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(5L * 16 * 4, 2).over(Transport.DATA_PLANE), null).withPlacement(start);
        RunListener.Outcome local = runInOneJvm(job, acrossNodes);
        RunListener.Outcome staying = runInOneJvm(job, Replanner.NEVER);
        assertFalse(Arrays.equals(staying.steps().get(2).rowsPerRank(), local.steps().get(2).rowsPerRank()), "the move changes the rows");
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            for (int r = 0; r < 4; r++) c.host(1 + r / 2, r);
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            c.nodes.get(0).spawn(ClusterDriver.create(4, job::rankSettings, job.plan().withReplanner(acrossNodes), Duration.ofSeconds(30),
                    events.getRef(), false), "driver");
            for (int u = 0; u < 4; u++) {
                var step = assertInstanceOf(TrainingRun.StepCompleted.class, events.receiveMessage(Duration.ofSeconds(60)));
                assertArrayEquals(local.steps().get(u).rowsPerRank(), step.metrics().rowsPerRank(), "update " + u);
            }
            TrainingRun.Finished done = assertInstanceOf(TrainingRun.Finished.class, events.receiveMessage(Duration.ofSeconds(30)));
            assertEquals(local.digest(), done.digest());
        }
    }

    private static RunListener.Outcome runInOneJvm(SimulationOptions job, Replanner replanner) {
        RunListener.Outcome outcome = Simulation.run(job.withExchange(ExchangeSettings.direct()), replanner, ConfigFactory.load(), null,
                Duration.ofMinutes(2));
        assertTrue(outcome.succeeded(), outcome.failure());
        return outcome;
    }

    @Test
    void discoveryNamesTheRanksThatNeverRegistered() {
        try (ClusterFixture c = new ClusterFixture(2, "")) {
            c.host(1, 1);
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            startDriver(c, job(1), events, Duration.ofSeconds(3));
            TrainingRun.Failed failed = assertInstanceOf(TrainingRun.Failed.class, events.receiveMessage(Duration.ofSeconds(20)));
            assertTrue(failed.reason().contains("missing ranks [0, 2]"), failed.reason());
        }
    }

    @Test
    void aNodeWhoseHeapCannotHoldItsRanksRefusesThemAndTheRunFailsAtTheStartNamingIt() {
        try (ClusterFixture c = new ClusterFixture(2, "")) {
            for (int r = 0; r < 3; r++) c.host(1, r);
            String node = c.nodes.get(1).system().address().toString();
            SimulationOptions job = job(1);
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            long tooMuch = Runtime.getRuntime().maxMemory() + 1; // all nodes of this test share one JVM's heap
            c.nodes.get(0).spawn(ClusterDriver.create(3, job::rankSettings, job.plan(), tooMuch, Duration.ofSeconds(30), events.getRef(),
                    false), "driver");
            TrainingRun.Failed failed = assertInstanceOf(TrainingRun.Failed.class, events.receiveMessage(Duration.ofSeconds(30)));
            assertTrue(failed.reason().matches("rank \\d refused its settings: node " + java.util.regex.Pattern.quote(node)
                    + " hosts 1 rank, which need about .* of heap for this job, but its JVM may use .*"), failed.reason());
        }
    }

    @Test
    void aDivergingClusterRunFailsNamingTheStepAndTheRank() {
        SimulationOptions job = new SimulationOptions(3, 2, 48, 16, 24, 5, 10, 1, false, 9,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("sgd:lr=1e30"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(5L * 16 * 4, 2), null);
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            TestProbe<TrainingRun.Event> events = runOnThreeRanks(c, job);
            TrainingRun.Event e = events.fishForMessage(Duration.ofSeconds(60), m -> m instanceof TrainingRun.Failed
                    ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                    : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
            String reason = ((TrainingRun.Failed) e).reason();
            assertTrue(reason.matches("step 1: rank [012]'s loss is NaN .*"), reason);
        }
    }

    @Test
    void aNodeThatLeavesFailsTheRunNamingItsRanksAndNode() {
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            c.host(1, 0);
            c.host(2, 1);
            c.host(2, 2);
            String lostNode = c.nodes.get(2).system().address().toString();
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            startDriver(c, job(1000), events, Duration.ofSeconds(30));
            assertInstanceOf(TrainingRun.StepCompleted.class, events.receiveMessage(Duration.ofSeconds(60)));
            c.nodes.get(2).shutdownTestKit();
            TrainingRun.Event e = events.fishForMessage(Duration.ofSeconds(30), m -> m instanceof TrainingRun.Failed
                    ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                    : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
            String reason = ((TrainingRun.Failed) e).reason();
            assertTrue(reason.contains("ranks 1, 2") && reason.contains(lostNode), reason);
        }
    }
}
