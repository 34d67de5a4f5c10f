package switchyard.actors.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rotation of step directories: the newest K complete checkpoints stay, an old one goes only after
 * a newer one is complete, leftovers of crashed saves and a history the run does not continue go,
 * and every change reaches the disk through fsync.
 */
class CheckpointDirectoryTest {
    private static final CheckpointIo IO = new CheckpointIo(64, Durability.FSYNC);

    /** What the ranks do between prepare and complete. */
    private static void ranksWrite(Path step) throws IOException {
        Files.writeString(RankCheckpoint.file(step, 0), "rank 0");
    }

    private static CheckpointManifest manifest(long updates) {
        return new CheckpointManifest(1, updates, "run-a", List.of(), JobSignature.builder().put("ranks", 1).build());
    }

    private static List<Long> complete(Path root) throws IOException {
        return CheckpointDirectory.steps(root).stream().filter(CheckpointDirectory.Step::complete).map(CheckpointDirectory.Step::updates).toList();
    }

    private static List<String> names(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fiveSavesKeepingTwoLeaveExactlyTheNewestTwo(@TempDir Path root) throws IOException {
        CheckpointDirectory checkpoints = new CheckpointDirectory(root, 2, IO);
        for (long updates = 10; updates <= 50; updates += 10) {
            List<Long> before = complete(root);
            Path step = checkpoints.prepare(updates);
            assertEquals(before, complete(root), "a save starts without touching the complete checkpoints");
            ranksWrite(step);
            checkpoints.complete(manifest(updates));
            assertEquals(updates, complete(root).get(0));
        }
        assertEquals(List.of(50L, 40L), complete(root));
        assertEquals(List.of("step-000040", "step-000050"), names(root));
        assertTrue(Files.isRegularFile(RankCheckpoint.file(root.resolve("step-000040"), 0)), "a kept checkpoint is whole");
    }

    @Test
    void keepingOneDropsThePreviousOnlyOnceTheNewIsComplete(@TempDir Path root) throws IOException {
        CheckpointDirectory checkpoints = new CheckpointDirectory(root, 1, IO);
        ranksWrite(checkpoints.prepare(10));
        checkpoints.complete(manifest(10));
        Path next = checkpoints.prepare(20);
        ranksWrite(next);
        assertEquals(List.of(10L), complete(root), "until the manifest of 20 is written, 10 is the one to resume from");
        checkpoints.complete(manifest(20));
        assertEquals(List.of("step-000020"), names(root));
    }

    @Test
    void leftoversOfCrashesAndAHistoryNotContinuedAreRemoved(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("step-000005")); // a crashed save, older
        ranksWrite(Files.createDirectories(root.resolve("step-000030"))); // another history: complete, newer
        manifest(30).write(root.resolve("step-000030"), IO);
        ranksWrite(Files.createDirectories(root.resolve("step-000040"))); // its crashed save
        Files.writeString(root.resolve("notes.txt"), "not ours");

        CheckpointDirectory checkpoints = new CheckpointDirectory(root, 2, IO);
        Path step = checkpoints.prepare(20);
        assertEquals(List.of("notes.txt", "step-000005", "step-000020"), names(root),
                "a crash now must not leave the other history's 30 as the newest checkpoint");
        ranksWrite(step);
        checkpoints.complete(manifest(20));
        assertEquals(List.of("notes.txt", "step-000020"), names(root));
    }

    @Test
    void everyFileAndDirectoryChangeIsSynced(@TempDir Path root) throws IOException {
        CountingDurability durability = new CountingDurability();
        CheckpointDirectory checkpoints = new CheckpointDirectory(root, 1, new CheckpointIo(64, durability));
        Path first = checkpoints.prepare(10);
        assertEquals(List.of(root), durability.directoriesSynced, "the new step directory's entry");
        ranksWrite(first);
        checkpoints.complete(manifest(10));
        assertEquals(1, durability.filesForced, "the manifest");
        assertEquals(List.of(root, first, root), durability.directoriesSynced, "the manifest's entry, then the root's");

        durability.directoriesSynced.clear();
        Path second = checkpoints.prepare(20);
        ranksWrite(second);
        checkpoints.complete(manifest(20));
        assertEquals(2, durability.filesForced);
        assertEquals(List.of(root, second, first, root), durability.directoriesSynced,
                "the old one loses its manifest durably before its rank files go");
    }
}
