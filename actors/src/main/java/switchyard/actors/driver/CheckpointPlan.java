package switchyard.actors.driver;

import switchyard.actors.checkpoint.JobSignature;

/**
 * Checkpointing of a run.
 *
 * @param dir        the checkpoint directory: every checkpoint goes into its own {@code step-N}
 *                   directory in it, where every rank writes {@code rank-<r>.ckpt} (a directory all
 *                   rank nodes can reach) and the driver the manifest; null = never save
 * @param every      save after every this many updates, and after the last one; 0 = only after the last
 * @param keep       complete checkpoints kept in {@code dir}, the newest; at least 1
 * @param resumeFrom a checkpoint directory, or one step directory, to resume from, or null; the run
 *                   then continues from the newest complete checkpoint's update count up to the plan's total
 * @param job        what the manifest records and a resume must match; null records and checks nothing
 */
public record CheckpointPlan(String dir, int every, int keep, String resumeFrom, JobSignature job) {
    /** The previous complete checkpoint stays until the next is complete, and one more as a spare. */
    public static final int DEFAULT_KEEP = 2;

    public CheckpointPlan {
        if (every < 0) throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + every);
        if (keep < 1) throw new IllegalArgumentException("--keep-checkpoints must be at least 1 (the newest is always kept), got " + keep);
    }

    /** Keeping the default number, recording no job. */
    public CheckpointPlan(String dir, int every, String resumeFrom) {
        this(dir, every, DEFAULT_KEEP, resumeFrom, null);
    }

    public static CheckpointPlan none() {
        return new CheckpointPlan(null, 0, null);
    }

    public CheckpointPlan withJob(JobSignature signature) {
        return new CheckpointPlan(dir, every, keep, resumeFrom, signature);
    }

    /** The same plan resuming from {@code from} (a checkpoint directory; null: from the start). */
    public CheckpointPlan withResume(String from) {
        return new CheckpointPlan(dir, every, keep, from, job);
    }

    boolean dueAfter(int updatesDone, int totalUpdates) {
        if (dir == null) return false;
        return updatesDone == totalUpdates || (every > 0 && updatesDone % every == 0);
    }
}
