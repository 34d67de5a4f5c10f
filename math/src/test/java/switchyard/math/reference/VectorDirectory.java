package switchyard.math.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the directory of reference vectors: the {@value #PROPERTY} system property if set,
 * otherwise math's test resource {@value #RESOURCE}. That resource is a plain directory when math's
 * own tests run or a reactor build resolves the test-jar to {@code math/target/test-classes}, but
 * sits inside the installed test-jar when another module is built alone; then it is extracted once
 * per JVM to a temporary directory deleted on exit, so callers always get a real directory.
 */
final class VectorDirectory {

    static final String PROPERTY = "switchyard.vectors";
    static final String RESOURCE = "moe-vectors";
    /** A file always present in the resource directory, since class loaders need not resolve directories in jars. */
    private static final String ANCHOR = RESOURCE + "/README.md";

    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private VectorDirectory() {
    }

    static Path resolve() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override.trim());
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("system property " + PROPERTY + "=" + override
                        + " is not an existing directory (resolved to " + dir.toAbsolutePath() + ")");
            }
            return dir;
        }
        return onClasspath(VectorDirectory.class.getClassLoader());
    }

    static Path onClasspath(ClassLoader loader) {
        URL url = loader.getResource(ANCHOR);
        if (url == null) {
            throw new IllegalStateException("no " + ANCHOR + " on the test classpath (math's test resources or test-jar);"
                    + " set -D" + PROPERTY + "=<directory> to point at the vectors");
        }
        try {
            switch (url.getProtocol()) {
                case "file":
                    return Path.of(url.toURI()).getParent();
                case "jar":
                    Path jar = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
                    return EXTRACTED.computeIfAbsent(jar.toAbsolutePath().toString(), k -> extract(jar));
                default:
                    throw new IllegalStateException("cannot read reference vectors from " + url);
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot locate reference vectors at " + url, e);
        }
    }

    private static Path extract(Path jar) {
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path target = Files.createTempDirectory("switchyard-moe-vectors-");
            target.toFile().deleteOnExit(); // registered first, so deleted after the files in it
            List<Path> files;
            try (Stream<Path> entries = Files.list(zip.getPath(RESOURCE))) {
                files = entries.filter(Files::isRegularFile).collect(Collectors.toList());
            }
            for (Path f : files) {
                Path copy = target.resolve(f.getFileName().toString());
                Files.copy(f, copy);
                copy.toFile().deleteOnExit();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + RESOURCE + "/ from " + jar, e);
        }
    }
}
