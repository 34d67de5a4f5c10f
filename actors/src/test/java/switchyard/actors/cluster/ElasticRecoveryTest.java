package switchyard.actors.cluster;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.Recovered;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.gate.RoutingOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An elastic run that loses a rank node mid-run: the node's rank moves to the surviving node, every
 * rank restores the newest complete checkpoint; a node that comes back takes the rank back after
 * the next checkpoint; and the run ends with the digest of the same job run without interruption
 * in one JVM.
 */
class ElasticRecoveryTest {
    private static final int UPDATES = 10;
    /** The update at whose start the run waits until the node is gone, so the loss falls mid-run every time. */
    private static final int LOST_AT = 5;
    /** The update at whose start the recovered run waits until a node hosting the lost rank's slot has come back. */
    private static final int BACK_AT = 7;

    private static SimulationOptions job(Path checkpoints) {
        return new SimulationOptions(3, 2, 48, 16, 24, 5, UPDATES, 1, false, 9,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(5L * 16 * 4, 2), null)
                .withCheckpoint(new CheckpointPlan(checkpoints.toString(), 2, null));
    }

    @Test
    void aLostRankNodeMovesItsRankAComingBackOneTakesItBackAndTheRunEndsWithTheUninterruptedDigest(@TempDir Path dir)
            throws Exception {
        RunListener.Outcome uninterrupted = Simulation.run(job(dir.resolve("local")).withExchange(ExchangeSettings.direct()),
                ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(uninterrupted.succeeded(), uninterrupted.failure());

        SimulationOptions job = job(dir.resolve("cluster"));
        CountDownLatch nodeGone = new CountDownLatch(1), nodeBack = new CountDownLatch(1);
        // the driver asks for update LOST_AT's batches only once the node is gone, and for BACK_AT's once it is back
        TrainingPlan plan = ElasticRuns.gated(job.plan(), Map.of((long) LOST_AT, nodeGone, (long) BACK_AT, nodeBack));
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            c.host(1, 0);
            c.host(2, 1);
            c.host(1, 2);
            String lostNode = c.nodes.get(2).system().address().toString();
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            c.nodes.get(0).spawn(ClusterDriver.create(job.worldSize(), job::rankSettings, plan, 0, Duration.ofSeconds(30),
                    events.getRef(), false, true), "driver");
            ElasticRuns.awaitCheckpoint(events, 4, Duration.ofSeconds(60));
            c.nodes.get(2).shutdownTestKit(); // rank 1's node leaves
            nodeGone.countDown();

            List<TrainingRun.Event> seen = events.fishForMessage(Duration.ofSeconds(120), e -> e instanceof Recovered
                    || e instanceof TrainingRun.Failed ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
            Recovered recovered = assertInstanceOf(Recovered.class, seen.get(seen.size() - 1), seen.toString());
            assertEquals(lostNode, recovered.node());
            assertArrayEquals(new int[] {1}, recovered.ranks());
            // lost during update 4 or at the start of update 5, where the run waits for the node to be gone
            assertTrue(recovered.updatesDone() == 4 || recovered.updatesDone() == LOST_AT, "lost after " + recovered.updatesDone());
            assertEquals(4, recovered.restoredUpdates());
            assertTrue(recovered.checkpoint().endsWith("step-000004"), recovered.checkpoint());
            assertTrue(recovered.nanos() > 0);

            int back = c.addNode(); // a node with rank 1's slot comes back
            c.host(back, 1);
            awaitSlot(c, back, 1); // the driver's node lists it
            nodeBack.countDown();
            ElasticRuns.Ending end = ElasticRuns.awaitFinished(events, Duration.ofSeconds(120));
            assertEquals(uninterrupted.digest(), end.finished().digest());
            Recovered givenBack = end.recoveries().get(0);
            assertTrue(givenBack.node().startsWith(c.nodes.get(back).system().address().toString()), givenBack.node());
            assertArrayEquals(new int[] {1}, givenBack.ranks());
            assertEquals(8, givenBack.restoredUpdates(), "the first checkpoint after it came back");
        }
    }

    /** Waits until node 0's receptionist lists rank {@code rank}'s slot on node {@code node}. */
    private static void awaitSlot(ClusterFixture c, int node, int rank) {
        var address = c.nodes.get(node).system().address();
        TestProbe<Receptionist.Listing> probe = c.nodes.get(0).createTestProbe(Receptionist.Listing.class);
        c.nodes.get(0).system().receptionist().tell(Receptionist.subscribe(RankHost.KEY, probe.getRef()));
        probe.fishForMessage(Duration.ofSeconds(30), l -> l.getServiceInstances(RankHost.KEY).stream()
                .anyMatch(h -> RankHost.rankOf(h) == rank && h.path().address().equals(address))
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    }
}
