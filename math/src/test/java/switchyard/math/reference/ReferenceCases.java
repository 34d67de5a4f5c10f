package switchyard.math.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The MoE reference cases, for math's tests and (through math's test-jar) every other module's.
 *
 * <pre>
 * &#64;ParameterizedTest(name = "{0}")
 * &#64;MethodSource("switchyard.math.reference.ReferenceCases#arguments")
 * void matchesReference(String name, ReferenceCase c) { ... }
 * </pre>
 *
 * Run against other vectors with {@code -Dswitchyard.vectors=<directory>}.
 */
public final class ReferenceCases {

    /** System property naming an alternative vector directory; blank means the project's copy. */
    public static final String PROPERTY = VectorDirectory.PROPERTY;

    // Parsing all seven files takes a noticeable fraction of a second, and cases are immutable.
    private static final Map<Path, List<ReferenceCase>> CACHE = new ConcurrentHashMap<>();

    private ReferenceCases() {
    }

    /**
     * The {@value #PROPERTY} directory if that property is set and non-blank, else the project's
     * copy from the test classpath (extracted to a temporary directory if it is inside a jar).
     *
     * @throws IllegalStateException if the property names no existing directory, or there is no copy
     */
    public static Path directory() {
        return VectorDirectory.TOP2.resolve();
    }

    /**
     * Every {@code *.json} case in {@link #directory()}, sorted by file name.
     *
     * @throws IllegalStateException if the directory holds no case, or a case is malformed
     */
    public static List<ReferenceCase> all() {
        return load(directory());
    }

    /** Like {@link #all()} for an explicit directory. */
    public static List<ReferenceCase> load(Path dir) {
        return CACHE.computeIfAbsent(dir.toAbsolutePath().normalize(), ReferenceCases::parseAll);
    }

    /** The case with this name (= file name without {@code .json}) in {@link #directory()}. */
    public static ReferenceCase named(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no reference case '" + name + "' in " + directory() + "; have "
                        + all().stream().map(ReferenceCase::name).collect(Collectors.toList())));
    }

    /** {@code (name, case)} pairs for {@code @MethodSource}. */
    public static Stream<Arguments> arguments() {
        return all().stream().map(c -> Arguments.of(c.name(), c));
    }

    private static List<ReferenceCase> parseAll(Path dir) {
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list reference-vector directory " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("reference-vector directory " + dir + " holds no case (*.json)");
        }
        return files.stream().map(CaseParser::parse).collect(Collectors.toUnmodifiableList());
    }
}
