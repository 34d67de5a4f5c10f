package switchyard.actors.driver;

import switchyard.actors.checkpoint.CheckpointDirectory;
import switchyard.actors.checkpoint.CheckpointIo;
import switchyard.actors.checkpoint.CheckpointManifest;
import switchyard.actors.checkpoint.ResumePoint;

import switchyard.math.placement.LoadHistory;
import switchyard.math.placement.Placement;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The driver's side of one run's checkpoints: where they go, what their manifests record, and the
 * checks on resume. The run id is a random UUID drawn here, once per run: the driver is the one
 * place a run exists exactly once (under {@code simulate} and a cluster alike), and an id derived
 * from the options or the seed would give two runs of the same job, say a fresh restart after a
 * crash and the resumed one, the same name. A resumed run records the ids of the runs before it.
 *
 * <p>Its file work (a manifest, a few fsyncs, deleting old step directories) runs on the driver's
 * thread: the run waits for the checkpoint to complete anyway, and no rank waits on the driver then.
 */
final class RunCheckpoints {
    private final CheckpointPlan plan;
    private final int worldSize;
    private final String runId = UUID.randomUUID().toString();
    private List<String> lineage = List.of();

    RunCheckpoints(CheckpointPlan plan, int worldSize) {
        this.plan = plan;
        this.worldSize = worldSize;
    }

    String runId() {
        return runId;
    }

    /**
     * Finds the newest complete checkpoint to resume from, checks it was made by a job like this one,
     * and makes this run continue its lineage.
     *
     * @return the checkpoint: the directory the ranks read their files from, and its manifest
     * @throws IllegalArgumentException when there is none, or it was made by another job
     */
    ResumePoint resume() {
        ResumePoint point = ResumePoint.find(Path.of(plan.resumeFrom()));
        point.requireMatches(worldSize, plan.job());
        lineage = point.manifest().lineageOfResumed();
        return point;
    }

    /** The empty directory the ranks write the checkpoint after {@code updates} into. */
    Path prepareSave(long updates) throws IOException {
        return directory().prepare(updates);
    }

    /**
     * Every rank has written its file: writes the manifest, with where the experts are and the
     * planner's load history, then drops
     * the checkpoints beyond those kept.
     */
    Path completeSave(long updates, Placement placement, LoadHistory.Snapshot loads) throws IOException {
        CheckpointDirectory directory = directory();
        directory.complete(new CheckpointManifest(worldSize, updates, runId, lineage, plan.job(), placement, loads));
        return directory.stepDir(updates);
    }

    private CheckpointDirectory directory() {
        return new CheckpointDirectory(Path.of(plan.dir()), plan.keep(), CheckpointIo.DEFAULT);
    }
}
