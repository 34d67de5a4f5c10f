package switchyard.actors.cluster;

import switchyard.actors.checkpoint.ResumePoint;
import switchyard.actors.driver.CheckpointPlan;

import java.nio.file.Path;

/**
 * The checkpoint an elastic run restores after losing a node: the newest complete one in the run's
 * checkpoint directory, else the one the run itself resumed from, else none (the run starts over,
 * which gives the same numbers, only later).
 *
 * @param dir     the checkpoint's step directory, or null for none
 * @param updates the updates it holds (0 for none)
 */
record CheckpointChoice(String dir, long updates) {
    static CheckpointChoice newest(CheckpointPlan plan) {
        for (String candidate : new String[] {plan.dir(), plan.resumeFrom()}) {
            if (candidate == null) continue;
            try {
                ResumePoint point = ResumePoint.find(Path.of(candidate));
                return new CheckpointChoice(point.dir().toString(), point.manifest().updatesDone());
            } catch (IllegalArgumentException e) {
                // none complete there (yet)
            }
        }
        return new CheckpointChoice(null, 0);
    }
}
