package switchyard.actors.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory {@code --checkpoint-dir} names: one {@code step-NNNNNN} directory per checkpoint
 * (N the updates done), holding {@code rank-<r>.ckpt} of every rank and, written last, the
 * manifest. A new checkpoint never touches the complete ones before it, so a crash while saving
 * leaves the previous one usable; once the new one is complete, all but the newest {@code keep}
 * complete ones are deleted, and so are incomplete leftovers of earlier crashes.
 * One run at a time may save into a directory.
 */
public record CheckpointDirectory(Path root, int keep, CheckpointIo io) {
    private static final Pattern STEP = Pattern.compile("step-(\\d+)");

    public CheckpointDirectory {
        if (keep < 1) throw new IllegalArgumentException("at least the newest checkpoint must be kept, got keep " + keep);
    }

    /** A step directory and whether its manifest says it is complete. */
    public record Step(long updates, Path dir, boolean complete) {}

    public Path stepDir(long updates) {
        return root.resolve(String.format("step-%06d", updates));
    }

    /**
     * Makes the empty step directory the ranks write the checkpoint after {@code updates} into. Step
     * directories at or after it are removed first: they belong to a history this run does not
     * continue (a run started afresh, or resumed from an earlier checkpoint, into the same directory),
     * and a crash must not leave them to be resumed from instead of this run's checkpoints.
     */
    public Path prepare(long updates) throws IOException {
        for (Step s : steps(root)) if (s.updates() >= updates) remove(s.dir());
        Path dir = stepDir(updates);
        Files.createDirectories(dir);
        io.durability().syncDirectory(root);
        return dir;
    }

    /** Every rank has written its file: the manifest completes the checkpoint, then the old ones go. */
    public void complete(CheckpointManifest manifest) throws IOException {
        manifest.write(stepDir(manifest.updatesDone()), io);
        int kept = 0;
        for (Step s : steps(root)) {
            if (s.complete() && kept < keep) kept++;
            else remove(s.dir());
        }
        io.durability().syncDirectory(root);
    }

    /** The step directories under {@code root}, newest first; none if it does not exist. */
    public static List<Step> steps(Path root) throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        List<Step> steps = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path dir : children.toList()) {
                Matcher m = STEP.matcher(dir.getFileName().toString());
                if (m.matches() && Files.isDirectory(dir)) {
                    steps.add(new Step(Long.parseLong(m.group(1)), dir, Files.isRegularFile(dir.resolve(CheckpointManifest.FILE))));
                }
            }
        }
        steps.sort(Comparator.comparingLong(Step::updates).reversed());
        return steps;
    }

    /** The manifest goes first, durably, so an interrupted removal leaves an incomplete directory, never a complete-looking partial one. */
    private void remove(Path dir) throws IOException {
        if (Files.deleteIfExists(dir.resolve(CheckpointManifest.FILE))) io.durability().syncDirectory(dir);
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
