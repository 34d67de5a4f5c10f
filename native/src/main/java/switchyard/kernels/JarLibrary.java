package switchyard.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads one of this module's native libraries (built by src/main/c/build.sh into the classes, so
 * into the jar) and says why not when it cannot: shared by {@link AmxNative} and
 * {@link Avx512Bf16Native}, which then ask their own library whether the CPU can run it.
 */
final class JarLibrary {

    private JarLibrary() {
    }

    /**
     * Loads {@code /native/linux-x86_64/<file>}; null when loaded, otherwise why not, in words for
     * a log line that names the kernel as {@code what} (e.g. "the AMX kernel").
     */
    static String load(String file, String what) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return what + " is built for Linux x86-64 only (this is " + os + " " + arch + ")";
        }
        URL url = JarLibrary.class.getResource("/native/linux-x86_64/" + file);
        if (url == null) {
            return "this build has no " + what.replaceFirst("^the ", "") + " (no C compiler when it was built?)";
        }
        try {
            System.load(localPath(url, file).toString());
            return null;
        } catch (IOException | URISyntaxException | UnsatisfiedLinkError | SecurityException e) {
            return "could not load " + what + ": " + e.getMessage();
        }
    }

    /** The library as a file: where it lies when run from classes, else copied out of the jar. */
    private static Path localPath(URL url, String file) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) {
            return Path.of(url.toURI());
        }
        Path copy = Files.createTempFile(file.replace(".so", "-"), ".so");
        copy.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }
}
