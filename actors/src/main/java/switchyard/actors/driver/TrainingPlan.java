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
 */
public record TrainingPlan(int updates, int microBatches, boolean pipelined, boolean training,
                           BatchPlan batches, Duration stepDeadline, CheckpointPlan checkpoint) {
    public TrainingPlan {
        if (updates < 1) throw new IllegalArgumentException("steps must be >= 1, got " + updates);
        if (microBatches < 1) throw new IllegalArgumentException("micro-batches must be >= 1, got " + microBatches);
        if (stepDeadline.isNegative() || stepDeadline.isZero())
            throw new IllegalArgumentException("step deadline must be positive, got " + stepDeadline);
        if (checkpoint == null) checkpoint = CheckpointPlan.none();
    }
}
