package switchyard.math.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the vectors come from: the override property, a classpath directory, or a jar. */
class VectorDirectoryTest {

    private static final String ONE_CASE = "w2_l2_tiny_balanced.json";

    @TempDir
    Path tmp;

    private static Path projectCopy() {
        return VectorDirectory.TOP2.onClasspath(VectorDirectoryTest.class.getClassLoader());
    }

    @Test
    void propertyOverridesTheProjectCopy() throws IOException {
        Files.copy(projectCopy().resolve(ONE_CASE), tmp.resolve(ONE_CASE));
        List<ReferenceCase> cases = withProperty(tmp.toString(), ReferenceCases::all);
        assertEquals(List.of("w2_l2_tiny_balanced"), cases.stream().map(ReferenceCase::name).toList());
        assertEquals(tmp, withProperty(tmp.toString(), ReferenceCases::directory));
        // Blank means unset, as the POM passes it when no override is given.
        assertEquals(projectCopy(), withProperty(" ", ReferenceCases::directory));
    }

    @Test
    void emptyDirectoryFailsNamingIt() {
        String msg = assertThrows(IllegalStateException.class,
                () -> withProperty(tmp.toString(), ReferenceCases::all)).getMessage();
        assertTrue(msg.contains(tmp.toAbsolutePath().normalize().toString()) && msg.contains("holds no case"), msg);
    }

    @Test
    void missingDirectoryFailsNamingIt() {
        String bad = tmp.resolve("no-such-dir").toString();
        String msg = assertThrows(IllegalStateException.class,
                () -> withProperty(bad, ReferenceCases::directory)).getMessage();
        assertTrue(msg.contains(bad) && msg.contains(ReferenceCases.PROPERTY), msg);
    }

    @Test
    void malformedCaseFailsNamingFileAndKey() throws IOException {
        String json = Files.readString(projectCopy().resolve(ONE_CASE));
        // Drop the first row of rank 0's input.
        int at = json.indexOf("\"input\": [") + "\"input\": [".length();
        int end = json.indexOf("],", at) + 2;
        Files.writeString(tmp.resolve(ONE_CASE), json.substring(0, at) + json.substring(end));
        String msg = assertThrows(IllegalStateException.class,
                () -> withProperty(tmp.toString(), ReferenceCases::all)).getMessage();
        assertTrue(msg.contains(ONE_CASE) && msg.contains("ranks[0].input has 7 entries, expected 8"), msg);
    }

    @Test
    void vectorsInsideAJarAreExtracted() throws IOException {
        Path jar = tmp.resolve("math-tests.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("moe-vectors/"));
            for (String f : List.of("README.md", ONE_CASE)) {
                out.putNextEntry(new JarEntry("moe-vectors/" + f));
                copy(projectCopy().resolve(f), out);
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Path dir = VectorDirectory.TOP2.onClasspath(loader);
            assertTrue(Files.isDirectory(dir) && !dir.startsWith(tmp), dir.toString());
            for (String f : List.of("README.md", ONE_CASE)) {
                assertArrayEquals(Files.readAllBytes(projectCopy().resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
            }
            assertEquals("w2_l2_tiny_balanced", ReferenceCases.load(dir).get(0).name());
            assertEquals(dir, VectorDirectory.TOP2.onClasspath(loader), "extracted once per jar");
        }
    }

    @Test
    void readmeIsAnExactCopyOfTheSharedOne() throws IOException {
        assertTrue(Files.readString(projectCopy().resolve("README.md")).startsWith("# MoE top-2 layer test vectors"));
    }

    private static void copy(Path from, OutputStream to) throws IOException {
        Files.copy(from, to);
    }

    private static <T> T withProperty(String value, Supplier<T> body) {
        String previous = System.getProperty(ReferenceCases.PROPERTY);
        System.setProperty(ReferenceCases.PROPERTY, value);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                System.clearProperty(ReferenceCases.PROPERTY);
            } else {
                System.setProperty(ReferenceCases.PROPERTY, previous);
            }
        }
    }
}
