package switchyard.actors.driver;

/**
 * Checkpointing of a run.
 *
 * @param dir        where every rank writes {@code rank-<r>.ckpt} (a directory all rank nodes can
 *                   reach) and the driver the manifest; null = never save
 * @param every      save after every this many updates, and after the last one; 0 = only after the last
 * @param resumeFrom a checkpoint directory to resume from, or null; the run then continues from the
 *                   checkpoint's update count up to the plan's total
 */
public record CheckpointPlan(String dir, int every, String resumeFrom) {
    public CheckpointPlan {
        if (every < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + every);
    }

    public static CheckpointPlan none() {
        return new CheckpointPlan(null, 0, null);
    }

    boolean dueAfter(int updatesDone, int totalUpdates) {
        if (dir == null) return false;
        return updatesDone == totalUpdates || (every > 0 && updatesDone % every == 0);
    }
}
