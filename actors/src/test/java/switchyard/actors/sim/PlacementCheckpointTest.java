package switchyard.actors.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.checkpoint.CheckpointManifest;
import switchyard.actors.checkpoint.ResumePoint;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.RunListener;
import switchyard.math.placement.Placement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.actors.sim.PlacementJob.DEFAULT;
import static switchyard.actors.sim.PlacementJob.MOVED;
import static switchyard.actors.sim.PlacementJob.MOVED_AGAIN;
import static switchyard.actors.sim.PlacementJob.REPLICATED;
import static switchyard.actors.sim.PlacementJob.REPLICATED_AGAIN;
import static switchyard.actors.sim.PlacementJob.movesAfter;
import static switchyard.actors.sim.PlacementJob.options;
import static switchyard.actors.sim.PlacementJob.run;

/**
 * Checkpoints of runs whose experts move: the manifest records where they were, and a resume puts
 * them there again and goes on moving them, ending with the uninterrupted run's digest. The
 * uninterrupted run saves after every 2 updates; its last save is then made incomplete (as by a
 * crash while it was written), so the resume takes the checkpoint after 4 updates.
 */
class PlacementCheckpointTest {
    private static final Placement STATIC = Placement.staticMap(3, 2);

    @Test
    void aResumeAfterTwoMovesGivesTheUninterruptedAndTheStaticDigest(@TempDir Path dir) throws Exception {
        String statics = run(options(), Replanner.NEVER, DEFAULT).digest();
        String resumed = resumedAfterFourUpdates(options(), Map.of(1, MOVED, 3, MOVED_AGAIN, 4, MOVED), dir);
        assertEquals(statics, resumed);
    }

    /** The static map is recorded as no placement at all; a job that started elsewhere must still resume on it. */
    @Test
    void expertsMovedBackToTheStaticMapResumeThere(@TempDir Path dir) throws Exception {
        String statics = run(options(), Replanner.NEVER, DEFAULT).digest();
        String resumed = resumedAfterFourUpdates(options().withPlacement(MOVED_AGAIN), Map.of(1, MOVED, 3, STATIC, 4, MOVED_AGAIN), dir);
        assertEquals(statics, resumed);
    }

    /** A checkpoint of L slots a rank (here the static map's) does not fit a job of L + R. */
    @Test
    void aCheckpointOfAnotherSlotCountIsRefused(@TempDir Path dir) {
        run(options().withSteps(1).withCheckpoint(new CheckpointPlan(dir.toString(), 0, null)), Replanner.NEVER, DEFAULT);
        String refused = Simulation.run(options().withPlacement(REPLICATED).withCheckpoint(new CheckpointPlan(null, 0, dir.toString())),
                DEFAULT, null, Duration.ofMinutes(1)).failure();
        assertEquals("the checkpoint in " + dir.resolve("step-000001") + " places experts as " + STATIC
                + ", which does not fit this job's 3 slots on each of 3 ranks", refused);
    }

    @Test
    void replicatedExpertsResumeWhereTheyWereAndStayIdentical(@TempDir Path dir) throws Exception {
        resumedAfterFourUpdates(options().withPlacement(REPLICATED), Map.of(1, REPLICATED_AGAIN, 3, REPLICATED, 4, REPLICATED_AGAIN), dir);
    }

    /**
     * The planner's own re-plans (greedy with a spare a rank, every 2 updates, on the load history):
     * the checkpoint keeps the history, so a resumed run plans what the uninterrupted one planned.
     */
    @Test
    void aResumedPlannerPlansAsTheUninterruptedRunFromTheLoadHistoryItKept(@TempDir Path dir) throws Exception {
        PlacementOptions greedy = new PlacementOptions("greedy", 1, 0.1, 2, 0, 0); // a long memory: the history decides
        SimulationOptions job = options().withSteps(8).withSkew(1.2).withPlacement(new PlacedRouting(greedy, 3, 2).placement());
        RunListener.Outcome straight = run(job.withCheckpoint(new CheckpointPlan(dir.toString(), 2, 4, null, null)),
                new PlacedRouting(greedy, 3, 2).replanner(null), DEFAULT);
        assertEquals(4, CheckpointManifest.read(dir.resolve("step-000004")).loads().observations());
        for (int updates : new int[] {6, 8}) Files.delete(dir.resolve(String.format("step-%06d", updates)).resolve(CheckpointManifest.FILE));
        RunListener.Outcome resumed = run(job.withCheckpoint(new CheckpointPlan(dir.toString(), 2, 4, dir.toString(), null)),
                new PlacedRouting(greedy, 3, 2).replanner(null), DEFAULT);
        assertEquals(straight.digest(), resumed.digest(), "the resumed run planned as the uninterrupted one");
        assertEquals(8, CheckpointManifest.read(dir.resolve("step-000008")).loads().observations(), "the resumed history went on");
    }

    /**
     * Runs {@code job} moving its experts after the updates {@code moves} names, saving after every 2
     * updates, then resumes it from the checkpoint after 4 updates with the same moves. Checks that
     * every manifest records where the experts were (the resumed run's own save after 6 updates
     * included, so it moved them too), and that the resumed run repeats the uninterrupted one's last
     * two updates and digest; returns that digest.
     */
    private static String resumedAfterFourUpdates(SimulationOptions job, Map<Integer, Placement> moves, Path dir) throws Exception {
        Replanner replanner = movesAfter(moves);
        RunListener.Outcome straight = run(job.withCheckpoint(new CheckpointPlan(dir.toString(), 2, 3, null, null)), replanner, DEFAULT);
        for (int updates = 2; updates <= 6; updates += 2)
            assertEquals(placedAfter(job, moves, updates), recorded(dir, updates), "after " + updates + " updates");
        Files.delete(dir.resolve("step-000006").resolve(CheckpointManifest.FILE));
        assertEquals(dir.resolve("step-000004"), ResumePoint.find(dir).dir());

        CheckpointPlan resume = new CheckpointPlan(dir.toString(), 2, 3, dir.toString(), null);
        RunListener.Outcome resumed = run(job.withCheckpoint(resume), replanner, DEFAULT);
        assertEquals(2, resumed.steps().size());
        for (int i = 0; i < 2; i++) {
            assertEquals(4 + i, resumed.steps().get(i).update());
            assertEquals(straight.steps().get(4 + i).loss(), resumed.steps().get(i).loss(), 0.0, "update " + (4 + i));
        }
        assertEquals(straight.digest(), resumed.digest());
        assertEquals(placedAfter(job, moves, 6), recorded(dir, 6), "the resumed run's save after 6 updates");
        return straight.digest();
    }

    /** Where the experts are after {@code updates} updates of {@code job} moved by {@code moves}. */
    private static Placement placedAfter(SimulationOptions job, Map<Integer, Placement> moves, int updates) {
        Placement where = job.placement();
        for (int u = 0; u < updates; u++) where = moves.getOrDefault(u, where);
        return where;
    }

    /** The placement the manifest of the checkpoint after {@code updates} records; the static map is recorded as none. */
    private static Placement recorded(Path dir, int updates) {
        Placement p = CheckpointManifest.read(dir.resolve(String.format("step-%06d", updates))).placement();
        return p != null ? p : STATIC;
    }
}
