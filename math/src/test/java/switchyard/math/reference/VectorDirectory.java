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
 * Finds a directory of reference vectors: a system property if set (for the top-2 family
 * {@value #PROPERTY}), otherwise a directory of math's test resources (for the top-2 family
 * {@value #RESOURCE}). That resource is a plain directory when math's
 * own tests run or a reactor build resolves the test-jar to {@code math/target/test-classes}, but
 * sits inside the installed test-jar when another module is built alone; then it is extracted once
 * per JVM to a temporary directory deleted on exit, so callers always get a real directory.
 */
public final class VectorDirectory {

    static final String PROPERTY = "switchyard.vectors";
    static final String RESOURCE = "moe-vectors";

    /** The top-2 family's vectors. */
    public static final VectorDirectory TOP2 = new VectorDirectory(PROPERTY, RESOURCE);

    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private final String property;
    private final String resource;

    /**
     * @param property the system property that may name another directory
     * @param resource the test-resource directory of math, which holds a {@code README.md}
     */
    public VectorDirectory(String property, String resource) {
        this.property = property;
        this.resource = resource;
    }

    public String property() {
        return property;
    }

    /** The directory the property names if it is set and non-blank, else math's own copy. */
    public Path resolve() {
        String override = System.getProperty(property);
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override.trim());
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("system property " + property + "=" + override
                        + " is not an existing directory (resolved to " + dir.toAbsolutePath() + ")");
            }
            return dir;
        }
        return onClasspath(VectorDirectory.class.getClassLoader());
    }

    Path onClasspath(ClassLoader loader) {
        // a file always present, since class loaders need not resolve directories in jars
        String anchor = resource + "/README.md";
        URL url = loader.getResource(anchor);
        if (url == null) {
            throw new IllegalStateException("no " + anchor + " on the test classpath (math's test resources or test-jar);"
                    + " set -D" + property + "=<directory> to point at the vectors");
        }
        try {
            switch (url.getProtocol()) {
                case "file":
                    return Path.of(url.toURI()).getParent();
                case "jar":
                    Path jar = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
                    return EXTRACTED.computeIfAbsent(jar.toAbsolutePath() + "!" + resource, k -> extract(jar));
                default:
                    throw new IllegalStateException("cannot read reference vectors from " + url);
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot locate reference vectors at " + url, e);
        }
    }

    private Path extract(Path jar) {
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path target = Files.createTempDirectory("switchyard-" + resource + "-");
            target.toFile().deleteOnExit(); // registered first, so deleted after the files in it
            List<Path> files;
            try (Stream<Path> entries = Files.list(zip.getPath(resource))) {
                files = entries.filter(Files::isRegularFile).collect(Collectors.toList());
            }
            for (Path f : files) {
                Path copy = target.resolve(f.getFileName().toString());
                Files.copy(f, copy);
                copy.toFile().deleteOnExit();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource + "/ from " + jar, e);
        }
    }
}
