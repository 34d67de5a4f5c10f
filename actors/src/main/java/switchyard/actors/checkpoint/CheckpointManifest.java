package switchyard.actors.checkpoint;

import java.io.IOException;
import switchyard.math.placement.LoadHistory;
import switchyard.math.placement.Placement;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Written by the driver after every rank has saved its file: marks a checkpoint as complete and
 * says what it holds. A directory without it holds no usable checkpoint (a crash happened while
 * ranks were writing). A {@link Properties} file, written in a fixed order to be read by people.
 * Format 1 (world size and updates only) is still read: it has no run id and no job to check.
 *
 * @param runId   the run that wrote it; null in format 1
 * @param lineage the runs this one continues, oldest first; the last is the run it resumed from
 * @param job     the job's shape and options; null in format 1
 * @param placement where the experts were when it was saved; null for the static map (and before placements)
 * @param loads     the load history the placement's planner had then; null when it keeps none
 */
public record CheckpointManifest(int worldSize, long updatesDone, String runId, List<String> lineage, JobSignature job,
                                 Placement placement, LoadHistory.Snapshot loads) {
    /** Of experts on the static map. */
    public CheckpointManifest(int worldSize, long updatesDone, String runId, List<String> lineage, JobSignature job) {
        this(worldSize, updatesDone, runId, lineage, job, null, null);
    }

    public static final String FILE = "checkpoint.properties";
    private static final String FORMAT = "switchyard-checkpoint/2", FORMAT_1 = "switchyard-checkpoint/1";
    private static final String JOB = "job.";

    public CheckpointManifest {
        lineage = List.copyOf(lineage);
    }

    /** The run this one was resumed from, or null. */
    public String resumedFrom() {
        return lineage.isEmpty() ? null : lineage.get(lineage.size() - 1);
    }

    /** The lineage of a run resumed from this checkpoint: this one's, then the run that wrote it. */
    public List<String> lineageOfResumed() {
        List<String> runs = new ArrayList<>(lineage);
        if (runId != null) runs.add(runId);
        return runs;
    }

    /** Writes {@code dir/checkpoint.properties} atomically and durably. */
    public void write(Path dir, CheckpointIo io) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("format", FORMAT);
        entries.put("updates-done", Long.toString(updatesDone));
        entries.put("world-size", Integer.toString(worldSize));
        entries.put("run-id", runId);
        if (!lineage.isEmpty()) {
            entries.put("resumed-from", resumedFrom());
            entries.put("lineage", String.join(",", lineage));
        }
        entries.put("saved", Instant.now().toString());
        if (placement != null && !placement.isStatic()) entries.put("placement", placement.toString().replace(" | ", "|").replace(' ', ','));
        if (loads != null) { // hexadecimal: every double comes back with the same bits
            entries.put("placement-load-steps", Long.toString(loads.observations()));
            entries.put("placement-loads", Arrays.stream(loads.loads()).mapToObj(Double::toHexString).collect(Collectors.joining(",")));
        }
        if (job != null) job.options().forEach((name, value) -> entries.put(JOB + name, value));
        io.writeAtomically(dir.resolve(FILE), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write("# A complete Switchyard checkpoint: rank-<r>.ckpt for r in 0.." + (worldSize - 1) + ", then this file.\n");
            w.write("# job.* are the options the checkpoint was trained with; a resume must use the same.\n");
            for (Map.Entry<String, String> e : entries.entrySet()) w.write(line(e.getKey(), e.getValue()));
            w.flush();
        });
    }

    /** {@code key=value}, which {@link Properties#load} reads back unchanged: our values never need escapes. */
    private static String line(String key, String value) {
        if (!key.matches("[a-z0-9.-]+") || value == null || !value.matches("[\\p{Graph}&&[^\\\\]]*"))
            throw new IllegalStateException("cannot write manifest entry " + key + "=" + value);
        return key + "=" + value + "\n";
    }

    /** @throws IllegalArgumentException if the directory holds no complete checkpoint, or the file is not a manifest */
    public static CheckpointManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("no complete checkpoint in " + dir + " (" + FILE + " is missing)");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            String format = p.getProperty("format");
            if (!FORMAT.equals(format) && !FORMAT_1.equals(format))
                throw new IllegalArgumentException(file + " is not a Switchyard checkpoint manifest of format 1 or 2");
            int worldSize = Integer.parseInt(p.getProperty("world-size"));
            long updates = Long.parseLong(p.getProperty("updates-done"));
            if (FORMAT_1.equals(format)) return new CheckpointManifest(worldSize, updates, null, List.of(), null);
            String lineage = p.getProperty("lineage", "");
            JobSignature.Builder job = JobSignature.builder();
            p.stringPropertyNames().stream().filter(k -> k.startsWith(JOB)).sorted()
                    .forEach(k -> job.put(k.substring(JOB.length()), p.getProperty(k)));
            String placement = p.getProperty("placement"), loads = p.getProperty("placement-loads");
            return new CheckpointManifest(worldSize, updates, p.getProperty("run-id"),
                    lineage.isEmpty() ? List.of() : Arrays.asList(lineage.split(",")), job.build(),
                    placement == null ? null : Placement.parse(placement.replace("|", " | ").replace(',', ' ')),
                    loads == null ? null : new LoadHistory.Snapshot(Arrays.stream(loads.split(",")).mapToDouble(Double::parseDouble).toArray(),
                            Long.parseLong(p.getProperty("placement-load-steps", "0"))));
        } catch (IOException | IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("cannot read checkpoint manifest " + file + ": " + e.getMessage());
        }
    }
}
