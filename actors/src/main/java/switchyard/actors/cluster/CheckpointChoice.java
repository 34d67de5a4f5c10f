package switchyard.actors.cluster;

import switchyard.actors.checkpoint.ResumePoint;

import java.nio.file.Path;

/**
 * The checkpoint an elastic run restores after losing a node: the newest one this run completed
 * itself, else the one it resumed from, else none (the run starts over, which gives the same
 * numbers, only later). Never another run's: a checkpoint directory may still hold an earlier
 * run's step directories, of more updates than this one has made.
 *
 * @param dir     the checkpoint's step directory, or null for none
 * @param updates the updates it holds (0 for none)
 */
record CheckpointChoice(String dir, long updates) {
    static final CheckpointChoice NONE = new CheckpointChoice(null, 0);

    /** The run's start: the checkpoint in {@code resumeFrom} (null: the run started from scratch). */
    static CheckpointChoice start(String resumeFrom) {
        if (resumeFrom == null) return NONE;
        try {
            ResumePoint point = ResumePoint.find(Path.of(resumeFrom));
            return new CheckpointChoice(point.dir().toString(), point.manifest().updatesDone());
        } catch (IllegalArgumentException e) {
            return NONE; // the run itself would have failed to resume from it
        }
    }
}
