package switchyard.actors.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Really syncs, and remembers what: how many files were forced and which directories synced, in order. */
final class CountingDurability implements Durability {
    int filesForced;
    final List<Path> directoriesSynced = new ArrayList<>();

    @Override
    public void force(FileChannel file) throws IOException {
        filesForced++;
        Durability.FSYNC.force(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        directoriesSynced.add(dir.toAbsolutePath());
        Durability.FSYNC.syncDirectory(dir);
    }
}
