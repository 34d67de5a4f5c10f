package switchyard.actors.driver;

import java.time.Duration;

/**
 * What the driver runs.
 *
 * @param updates      optimizer updates to make
 * @param microBatches steps whose gradients are summed into each update (gradient accumulation)
 * @param pipelined    start all micro-batches of an update at once (several steps in flight) rather
 *                     than one after another; the numbers are the same either way
 * @param training     false runs forward passes only (no backward, no update)
 * @param stepDeadline how long the driver waits for every rank's answer to one round
 * @param checkpoint   when to save and where to resume from
 * @param replanner    where the experts go between updates ({@link Replanner#NEVER}: they stay)
 */
public record TrainingPlan(int updates, int microBatches, boolean pipelined, boolean training,
                           BatchPlan batches, Duration stepDeadline, CheckpointPlan checkpoint, Replanner replanner) {
    /** With the experts staying where they start. */
    public TrainingPlan(int updates, int microBatches, boolean pipelined, boolean training, BatchPlan batches, Duration stepDeadline,
                        CheckpointPlan checkpoint) {
        this(updates, microBatches, pipelined, training, batches, stepDeadline, checkpoint, Replanner.NEVER);
    }

    public TrainingPlan {
        if (updates < 1) throw new IllegalArgumentException("steps must be >= 1, got " + updates);
        if (microBatches < 1) throw new IllegalArgumentException("micro-batches must be >= 1, got " + microBatches);
        if (stepDeadline.isNegative() || stepDeadline.isZero())
            throw new IllegalArgumentException("step deadline must be positive, got " + stepDeadline);
        if (checkpoint == null) checkpoint = CheckpointPlan.none();
        if (replanner == null) replanner = Replanner.NEVER;
    }

    /** The same plan resuming from the checkpoint in {@code from} (null: from the start). */
    public TrainingPlan withResume(String from) {
        return new TrainingPlan(updates, microBatches, pipelined, training, batches, stepDeadline, checkpoint.withResume(from), replanner);
    }

    /** The same plan with the experts moving where {@code r} says. */
    public TrainingPlan withReplanner(Replanner r) {
        return new TrainingPlan(updates, microBatches, pipelined, training, batches, stepDeadline, checkpoint, r);
    }
}
