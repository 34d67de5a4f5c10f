package switchyard.actors.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.math.gate.RoutingOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code --resume DIR} finds and refuses: the newest complete checkpoint of a checkpoint
 * directory, one step directory, the flat layout of format 1; the first option that differs.
 */
class ResumePointTest {
    private static final CheckpointIo IO = new CheckpointIo(64, Durability.FSYNC);

    private static JobSignature job(RoutingOptions routing) {
        return JobSignature.builder().put("ranks", 3).put("seed", 17).routing(routing).build();
    }

    private static Path save(Path root, long updates, String run, List<String> lineage) throws IOException {
        Path step = Files.createDirectories(root.resolve(String.format("step-%06d", updates)));
        Files.writeString(RankCheckpoint.file(step, 0), "rank 0");
        new CheckpointManifest(3, updates, run, lineage, job(RoutingOptions.reference())).write(step, IO);
        return step;
    }

    @Test
    void theNewestCompleteCheckpointIsTakenPastLeftoversOfCrashes(@TempDir Path root) throws IOException {
        Path ten = save(root, 10, "a", List.of());
        Path twenty = save(root, 20, "a", List.of());
        Files.createDirectories(root.resolve("step-000030")); // crashed before any rank wrote
        Path forty = Files.createDirectories(root.resolve("step-000040")); // crashed while a rank wrote
        Files.write(RankCheckpoint.file(forty, 0), new byte[] {0x53, 0x59});

        ResumePoint newest = ResumePoint.find(root);
        assertEquals(twenty, newest.dir());
        assertEquals(20, newest.manifest().updatesDone());
        assertEquals(ten, ResumePoint.find(ten).dir(), "a step directory names itself");
    }

    @Test
    void aDirectoryWithoutACompleteCheckpointIsNamed(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("step-000030"));
        String m = assertThrows(IllegalArgumentException.class, () -> ResumePoint.find(root)).getMessage();
        assertTrue(m.startsWith("--resume " + root + ": no complete checkpoint in " + root), m);
    }

    @Test
    void theFlatLayoutOfFormatOneIsStillResumed(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve(CheckpointManifest.FILE), "format=switchyard-checkpoint/1\nworld-size=3\nupdates-done=7\n");
        ResumePoint flat = ResumePoint.find(root);
        assertEquals(root, flat.dir());
        assertEquals(7, flat.manifest().updatesDone());
        assertNull(flat.manifest().runId());
        flat.requireMatches(3, job(RoutingOptions.reference())); // no options recorded: the rank files check the shape
        String m = assertThrows(IllegalArgumentException.class, () -> flat.requireMatches(2, null)).getMessage();
        assertEquals("--resume " + root + ": the checkpoint was made by W=3 ranks, this run has W=2", m);
    }

    @Test
    void theFirstOptionThatDiffersIsNamedWithBothValues(@TempDir Path root) throws IOException {
        save(root, 10, "a", List.of());
        ResumePoint point = ResumePoint.find(root);
        point.requireMatches(3, job(RoutingOptions.reference()));
        assertEquals("--resume " + root + ": the checkpoint was made with --top-k 2, this run has --top-k 1",
                refusal(point, RoutingOptions.builder().topK(1).build()));
        assertEquals("--resume " + root + ": the checkpoint was made with no --capacity-factor, this run has --capacity-factor 1.25",
                refusal(point, RoutingOptions.builder().capacityFactor(1.25).build()));
        assertEquals("--resume " + root + ": the checkpoint was made with no --dropless, this run has --dropless",
                refusal(point, RoutingOptions.builder().dropless(true).build()));
    }

    private static String refusal(ResumePoint point, RoutingOptions run) {
        return assertThrows(IllegalArgumentException.class, () -> point.requireMatches(3, job(run))).getMessage();
    }

    @Test
    void theManifestRecordsTheRunItsLineageAndTheOptionsReadably(@TempDir Path root) throws IOException {
        Path step = save(root, 10, "run-c", List.of("run-a", "run-b"));
        CheckpointManifest m = CheckpointManifest.read(step);
        assertEquals("run-c", m.runId());
        assertEquals("run-b", m.resumedFrom());
        assertEquals(List.of("run-a", "run-b", "run-c"), m.lineageOfResumed());
        assertEquals(job(RoutingOptions.reference()), m.job());
        List<String> lines = Files.readAllLines(step.resolve(CheckpointManifest.FILE));
        assertTrue(lines.containsAll(List.of("format=switchyard-checkpoint/2", "updates-done=10", "run-id=run-c",
                "resumed-from=run-b", "lineage=run-a,run-b", "job.top-k=2", "job.capacity-factor=", "job.noise=gumbel")), lines.toString());
    }
}
