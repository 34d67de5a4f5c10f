package switchyard.actors.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a resume starts: the newest complete checkpoint under the directory {@code --resume}
 * names, which may be a checkpoint directory (its newest {@code step-*} with a manifest; those
 * without one are leftovers of a crash and ignored), one step directory, or a checkpoint of the
 * earlier flat layout (rank files and manifest directly in it).
 *
 * @param given what {@code --resume} named, for messages
 * @param dir   the directory holding the rank files and the manifest
 */
public record ResumePoint(Path given, Path dir, CheckpointManifest manifest) {

    /** @throws IllegalArgumentException naming {@code given} when it holds no complete checkpoint */
    public static ResumePoint find(Path given) {
        try {
            for (CheckpointDirectory.Step s : CheckpointDirectory.steps(given)) {
                if (s.complete()) return new ResumePoint(given, s.dir(), CheckpointManifest.read(s.dir()));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--resume " + given + ": cannot list the directory: " + e.getMessage());
        }
        if (Files.isRegularFile(given.resolve(CheckpointManifest.FILE)))
            return new ResumePoint(given, given, CheckpointManifest.read(given));
        throw new IllegalArgumentException("--resume " + given + ": no complete checkpoint in " + given + " (no "
                + CheckpointManifest.FILE + " in it or in any step-* directory)");
    }

    /**
     * Checks the checkpoint was made by a job like this one: the same world size, and (when both are
     * known) the same shape and options.
     *
     * @param run the run's signature, or null when the run has none to compare
     * @throws IllegalArgumentException naming the first option that differs, with both values
     */
    public void requireMatches(int worldSize, JobSignature run) {
        if (manifest.worldSize() != worldSize)
            throw new IllegalArgumentException("--resume " + given + ": the checkpoint was made by W=" + manifest.worldSize()
                    + " ranks, this run has W=" + worldSize);
        if (run == null || manifest.job() == null) return; // format 1 recorded no options: the rank files still check the shape
        manifest.job().firstDifference(run).ifPresent(difference -> {
            throw new IllegalArgumentException("--resume " + given + ": " + difference);
        });
    }
}
