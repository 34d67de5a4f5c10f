package switchyard.actors.checkpoint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How checkpoint files are written and read: streamed through a buffer of {@code bufferBytes}
 * (nothing holds a whole file, so a shard may exceed 2 GiB), and written under a temporary name,
 * made durable, renamed into place and the directory made durable, so a crash leaves either no
 * file under the real name or a complete one.
 *
 * @param bufferBytes the stream buffer, and the chunk in which float arrays are converted; tests
 *                    make it tiny so that every value crosses chunk boundaries
 */
public record CheckpointIo(int bufferBytes, Durability durability) {
    /** 1 MiB buffers, fsync. */
    public static final CheckpointIo DEFAULT = new CheckpointIo(1 << 20, Durability.FSYNC);

    public CheckpointIo {
        if (bufferBytes < 1) throw new IllegalArgumentException("buffer must be at least 1 byte, got " + bufferBytes);
    }

    /** What goes into a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code target} atomically and durably (see the class comment). */
    public void writeAtomically(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), bufferBytes);
            content.writeTo(out);
            out.flush(); // not closed: that would close the channel before it is forced
            // only a regular file has blocks to flush (Linux refuses fsync on a pipe with EINVAL)
            if (Files.isRegularFile(tmp)) durability.force(channel);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        durability.syncDirectory(dir);
    }

    /** A buffered stream over {@code file}. */
    public InputStream open(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), bufferBytes);
    }
}
