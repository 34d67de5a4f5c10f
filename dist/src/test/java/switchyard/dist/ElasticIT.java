package switchyard.dist;

import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.cluster.ClusterDriver;
import switchyard.actors.cluster.ElasticRuns;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.Recovered;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.bench.crossjvm.NodeLauncher;
import switchyard.math.gate.RoutingOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code --elastic} across JVMs: three rank node processes, one killed with kill -9 in the middle of
 * the run. The driver moves its rank to a surviving node, every rank restores the newest complete
 * checkpoint, and the run ends with the digest of the same job run without interruption.
 */
class ElasticIT {
    private static final int UPDATES = 12;
    /** The update at whose start the driver waits until the node is dead, so the kill falls mid-run. */
    private static final int KILLED_AT = 7;

    @Test
    void aKilledRankNodeIsRecoveredFromAndTheRunEndsWithTheUninterruptedDigest(@TempDir Path dir) throws Exception {
        SimulationOptions job = new SimulationOptions(3, 2, 256, 32, 64, 6, UPDATES, 1, false, 5,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.003"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(1 << 14, 4), null);
        RunListener.Outcome uninterrupted = Simulation.run(job.withExchange(ExchangeSettings.direct())
                .withCheckpoint(new CheckpointPlan(dir.resolve("local").toString(), 3, null)), ConfigFactory.load(), null, Duration.ofMinutes(3));
        job = job.withCheckpoint(new CheckpointPlan(dir.resolve("cluster").toString(), 3, null));
        CountDownLatch killed = new CountDownLatch(1);
        TrainingPlan plan = ElasticRuns.gated(job.plan(), Map.of((long) KILLED_AT, killed));
        try (DriverNode driver = new DriverNode();
             NodeLauncher n0 = NodeProcess.start("elastic-node-0", driver.port, "0");
             NodeLauncher n1 = NodeProcess.start("elastic-node-1", driver.port, "1");
             NodeLauncher n2 = NodeProcess.start("elastic-node-2", driver.port, "2")) {
            driver.awaitRanks(Set.of(0, 1, 2), Duration.ofSeconds(90));
            TestProbe<TrainingRun.Event> events = driver.kit.createTestProbe(TrainingRun.Event.class);
            driver.kit.spawn(ClusterDriver.create(3, job::rankSettings, plan, 0, Duration.ofSeconds(60), events.getRef(), true, true),
                    "driver");
            ElasticRuns.awaitCheckpoint(events, 6, Duration.ofSeconds(120));
            n2.kill();
            killed.countDown();

            ElasticRuns.Ending end = ElasticRuns.awaitFinished(events, Duration.ofSeconds(180));
            assertEquals(uninterrupted.digest(), end.finished().digest());
            Recovered recovered = end.recoveries().get(0);
            assertArrayEquals(new int[] {2}, recovered.ranks());
            assertEquals(6, recovered.restoredUpdates());
            System.out.println("kill -9 of node 2: " + recovered);
            assertEquals(0, n0.awaitExit(60), () -> "node 0 did not exit cleanly:\n" + n0.logText());
            assertEquals(0, n1.awaitExit(60), () -> "node 1 did not exit cleanly:\n" + n1.logText());
        }
    }
}
