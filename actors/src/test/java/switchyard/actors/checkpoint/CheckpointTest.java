package switchyard.actors.checkpoint;

import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.cluster.ClusterDriver;
import switchyard.actors.cluster.ClusterFixture;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.gate.ScoreFunction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Train 10 updates and checkpoint, stop the whole cluster, start a new one with the ranks on other
 * nodes, resume and train 10 more: the digest equals an uninterrupted 20-update run. A resume takes
 * the newest complete checkpoint, past the leftovers of crashed saves, and records the run it
 * continues. Corrupt or mismatched checkpoints are refused with a message that says what is wrong.
 */
class CheckpointTest {
    private static SimulationOptions job(int steps) {
        return new SimulationOptions(3, 2, 48, 16, 24, 5, steps, 1, false, 17,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(20), new ExchangeSettings(6L * 16 * 4, 2), null);
    }

    /** Runs {@code job} through the cluster driver on a fresh 3-node cluster; rank r on node (r + shift) mod 3. */
    private static TrainingRun.Event runOnCluster(SimulationOptions job, int shift) {
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            for (int r = 0; r < 3; r++) c.host((r + shift) % 3, r);
            TestProbe<TrainingRun.Event> events = c.nodes.get(0).createTestProbe(TrainingRun.Event.class);
            c.nodes.get(0).spawn(ClusterDriver.create(3, job::rankSettings, job.plan(), Duration.ofSeconds(30), events.getRef(), false), "driver");
            List<TrainingRun.Event> seen = events.fishForMessage(Duration.ofSeconds(120), e -> e instanceof TrainingRun.StepCompleted
                    || e instanceof TrainingRun.CheckpointDone
                    ? akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()
                    : akka.actor.testkit.typed.javadsl.FishingOutcomes.complete());
            return seen.get(seen.size() - 1);
        }
    }

    @Test
    void resumingOnOtherNodesGivesTheUninterruptedDigest(@TempDir Path dir) throws Exception {
        RunListener.Outcome straight = Simulation.run(job(20).withExchange(ExchangeSettings.direct()), ConfigFactory.load(), null,
                Duration.ofMinutes(2));
        assertTrue(straight.succeeded(), straight.failure());

        TrainingRun.Event first = runOnCluster(job(10).withCheckpoint(new CheckpointPlan(dir.toString(), 5, null)), 0);
        assertInstanceOf(TrainingRun.Finished.class, first, first.toString());
        Path newest = ResumePoint.find(dir).dir();
        assertEquals(dir.resolve("step-000010"), newest);
        for (int r = 0; r < 3; r++) assertTrue(Files.isRegularFile(RankCheckpoint.file(newest, r)));
        assertEquals(10, CheckpointManifest.read(newest).updatesDone());
        assertEquals(List.of(10L, 5L), completeSteps(dir), "the default keeps two");

        TrainingRun.Event resumed = runOnCluster(job(20).withCheckpoint(new CheckpointPlan(null, 0, dir.toString())), 1);
        TrainingRun.Finished done = assertInstanceOf(TrainingRun.Finished.class, resumed, resumed.toString());
        assertEquals(straight.digest(), done.digest());
    }

    /**
     * The selection bias and the shared experts (and their optimizer) are state: a DeepSeek-V3-style
     * job resumed from its checkpoint ends with the uninterrupted run's digest, and its checkpoint
     * is refused by a job without a bias.
     */
    @Test
    void theSelectionBiasAndTheSharedExpertsResume(@TempDir Path dir) {
        SimulationOptions v3 = job(8).withExchange(ExchangeSettings.direct())
                .withRouting(RoutingOptions.builder().noise(NoisePolicy.NONE).score(ScoreFunction.SIGMOID).topK(2).groups(3, 2)
                        .biasUpdateRate(0.02f).aux(AuxLoss.SEQUENCE).auxLossWeight(0.01f).dropless(true).build())
                .withShared(1, 12);
        RunListener.Outcome straight = Simulation.run(v3, ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(straight.succeeded(), straight.failure());
        RunListener.Outcome half = Simulation.run(v3.withSteps(4).withCheckpoint(new CheckpointPlan(dir.toString(), 0, null)),
                ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(half.succeeded(), half.failure());
        RunListener.Outcome resumed = Simulation.run(v3.withCheckpoint(new CheckpointPlan(null, 0, dir.toString())),
                ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(resumed.succeeded(), resumed.failure());
        assertEquals(straight.digest(), resumed.digest());

        SimulationOptions noBias = v3.withRouting(v3.routing().toBuilder().biasUpdateRate(0f).build())
                .withCheckpoint(new CheckpointPlan(null, 0, dir.toString()));
        String refused = Simulation.run(noBias, ConfigFactory.load(), null, Duration.ofMinutes(1)).failure();
        assertEquals("--resume " + dir + ": the checkpoint was made with --bias-update-rate 0.02, this run has --bias-update-rate 0.0",
                refused);
    }

    /**
     * Saves after every update; crashes are staged as a step directory without a manifest and one
     * with a truncated rank file. The resume takes the newest complete checkpoint, reaches the
     * uninterrupted digest, records the first run as its lineage, and its own saves replace the
     * leftovers and rotate to the newest two.
     */
    @Test
    void aResumeTakesTheNewestCompleteCheckpointAndRecordsTheRunItContinues(@TempDir Path dir) throws Exception {
        SimulationOptions job = job(4).withExchange(ExchangeSettings.direct());
        RunListener.Outcome straight = Simulation.run(job, ConfigFactory.load(), null, Duration.ofMinutes(1));
        assertTrue(straight.succeeded(), straight.failure());
        RunListener.Outcome first = Simulation.run(job.withSteps(2).withCheckpoint(new CheckpointPlan(dir.toString(), 1, null)),
                ConfigFactory.load(), null, Duration.ofMinutes(1));
        assertTrue(first.succeeded(), first.failure());
        String firstRun = CheckpointManifest.read(dir.resolve("step-000002")).runId();
        assertTrue(firstRun != null && CheckpointManifest.read(dir.resolve("step-000002")).lineage().isEmpty());

        Files.createDirectories(dir.resolve("step-000003")); // crashed before any rank wrote
        Path crashed = Files.createDirectories(dir.resolve("step-000004")); // crashed while rank 0 wrote
        byte[] whole = Files.readAllBytes(RankCheckpoint.file(dir.resolve("step-000002"), 0));
        Files.write(RankCheckpoint.file(crashed, 0), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertEquals(dir.resolve("step-000002"), ResumePoint.find(dir).dir());

        RunListener.Outcome resumed = Simulation.run(job.withCheckpoint(new CheckpointPlan(dir.toString(), 1, 2, dir.toString(), null)),
                ConfigFactory.load(), null, Duration.ofMinutes(1));
        assertTrue(resumed.succeeded(), resumed.failure());
        assertEquals(straight.digest(), resumed.digest());
        assertEquals(List.of(4L, 3L), completeSteps(dir));
        CheckpointManifest last = CheckpointManifest.read(dir.resolve("step-000004"));
        assertEquals(List.of(firstRun), last.lineage());
        assertEquals(firstRun, last.resumedFrom());
        assertTrue(last.runId() != null && !last.runId().equals(firstRun), last.runId());
        assertEquals(job.signature(), last.job());
    }

    private static List<Long> completeSteps(Path dir) throws java.io.IOException {
        return CheckpointDirectory.steps(dir).stream().filter(CheckpointDirectory.Step::complete).map(CheckpointDirectory.Step::updates).toList();
    }

    @Test
    void corruptAndMismatchedCheckpointsAreRefused(@TempDir Path dir) throws Exception {
        SimulationOptions saved = job(2).withExchange(ExchangeSettings.direct()).withCheckpoint(new CheckpointPlan(dir.toString(), 0, null));
        assertTrue(Simulation.run(saved, ConfigFactory.load(), null, Duration.ofMinutes(1)).succeeded());
        CheckpointPlan resume = new CheckpointPlan(null, 0, dir.toString());

        // another job shape: the rank files say which job they belong to
        SimulationOptions wider = new SimulationOptions(3, 2, 48, 20, 24, 5, 4, 1, false, 17, saved.routing(), saved.optimizer(),
                "best", Duration.ofSeconds(20), ExchangeSettings.direct(), resume);
        String mismatch = Simulation.run(wider, ConfigFactory.load(), null, Duration.ofMinutes(1)).failure();
        assertTrue(mismatch != null && mismatch.contains("--model-dim 16") && mismatch.contains("--model-dim 20"), mismatch);

        // another world size: the manifest says so
        SimulationOptions fewer = new SimulationOptions(2, 3, 48, 16, 24, 5, 4, 1, false, 17, saved.routing(), saved.optimizer(),
                "best", Duration.ofSeconds(20), ExchangeSettings.direct(), resume);
        String world = Simulation.run(fewer, ConfigFactory.load(), null, Duration.ofMinutes(1)).failure();
        assertTrue(world != null && world.contains("W=3") && world.contains("W=2"), world);

        // one flipped byte in a rank file
        Path step = dir.resolve("step-000002");
        Path file = RankCheckpoint.file(step, 1);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        String corrupt = Simulation.run(saved.withCheckpoint(resume).withSteps(4), ConfigFactory.load(), null, Duration.ofMinutes(1)).failure();
        assertTrue(corrupt != null && corrupt.contains("corrupt") && corrupt.contains("rank-1.ckpt"), corrupt);

        // no manifest: the checkpoint never completed
        Files.delete(step.resolve(CheckpointManifest.FILE));
        String incomplete = Simulation.run(saved.withCheckpoint(resume).withSteps(4), ConfigFactory.load(), null, Duration.ofMinutes(1)).failure();
        assertTrue(incomplete != null && incomplete.contains("no complete checkpoint in " + dir), incomplete);
        assertFalse(Files.exists(step.resolve("rank-0.ckpt.tmp")), "no temporary file is left behind");
    }
}
