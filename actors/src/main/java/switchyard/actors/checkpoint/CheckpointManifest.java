package switchyard.actors.checkpoint;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Written by the driver after every rank has saved its file: marks a checkpoint as complete and
 * says for which world size and after how many updates. A directory without it holds no usable
 * checkpoint (a crash happened while ranks were writing).
 */
public record CheckpointManifest(int worldSize, long updatesDone) {
    public static final String FILE = "checkpoint.properties";

    public void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", "switchyard-checkpoint/1");
        p.setProperty("world-size", Integer.toString(worldSize));
        p.setProperty("updates-done", Long.toString(updatesDone));
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "rank files: rank-<r>.ckpt for r in 0.." + (worldSize - 1));
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** @throws IllegalArgumentException if the directory holds no complete checkpoint */
    public static CheckpointManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("no complete checkpoint in " + dir + " (" + FILE + " is missing)");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            if (!"switchyard-checkpoint/1".equals(p.getProperty("format")))
                throw new IllegalArgumentException(file + " is not a Switchyard checkpoint manifest of format 1");
            return new CheckpointManifest(Integer.parseInt(p.getProperty("world-size")), Long.parseLong(p.getProperty("updates-done")));
        } catch (IOException | NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("cannot read checkpoint manifest " + file + ": " + e.getMessage());
        }
    }
}
