package switchyard.actors.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Output directories, checked when the options are read: a run must not lose its results to a bad path at its end. */
public final class Directories {
    private Directories() {}

    /**
     * Creates {@code dir} if needed and checks that this user can write into it.
     *
     * @param option how the user gave it, for the message (e.g. {@code "--checkpoint-dir /x"})
     * @throws IllegalArgumentException naming the option when the directory cannot be used
     */
    public static void requireWritable(Path dir, String option) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(option + ": cannot create " + dir + " (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) throw new IllegalArgumentException(option + ": " + dir + " is not a directory this user can write to");
    }
}
