package switchyard.actors.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How a checkpoint reaches the disk rather than the page cache: a file's bytes before it is
 * renamed into place, and a directory's entries after a rename, so that a machine that loses
 * power keeps either the old state or the complete new one. A seam, so tests can count the calls.
 */
public interface Durability {
    /** Makes everything written to {@code file} durable (fsync). */
    void force(FileChannel file) throws IOException;

    /** Makes {@code dir}'s entries (files renamed, created or deleted in it) durable. */
    void syncDirectory(Path dir) throws IOException;

    /** fsync through {@link FileChannel#force}. */
    Durability FSYNC = new Durability() {
        @Override
        public void force(FileChannel file) throws IOException {
            file.force(true);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            FileChannel channel;
            try {
                channel = FileChannel.open(dir, StandardOpenOption.READ);
            } catch (IOException | UnsupportedOperationException e) {
                return; // Windows cannot open a directory; there the rename itself is what the file system journals
            }
            try (channel) {
                channel.force(true); // an error here is a real one (the entry may not be on disk): it fails the save
            }
        }
    };
}
