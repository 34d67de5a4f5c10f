package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A library inside a jar is loaded from a copy that no JVM leaves behind, however it ends. */
class JarLibraryTest {

    private static final byte[] LIBRARY = {0x7f, 'E', 'L', 'F', 1, 2, 3};

    @TempDir
    Path dir;

    private URL inJar() throws IOException {
        Path jar = dir.resolve("kernels.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            jarOut.putNextEntry(new JarEntry("native/linux-x86_64/libtest.so"));
            jarOut.write(LIBRARY);
            jarOut.closeEntry();
        }
        return new URL("jar:" + jar.toUri() + "!/native/linux-x86_64/libtest.so");
    }

    @Test
    void theCopyOutOfTheJarHoldsTheLibraryWhileItLoadsAndIsGoneAfter() throws Exception {
        List<Path> seen = new ArrayList<>();
        JarLibrary.loadFrom(inJar(), "libtest.so", path -> {
            Path copy = Path.of(path);
            seen.add(copy);
            try {
                assertArrayEquals(LIBRARY, Files.readAllBytes(copy));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1, seen.size());
        assertFalse(Files.exists(seen.get(0)), "the copy outlived its loading: " + seen.get(0));
    }

    @Test
    void aCopyThatFailsToLoadIsDeletedToo() throws Exception {
        List<Path> seen = new ArrayList<>();
        UnsatisfiedLinkError refused = assertThrows(UnsatisfiedLinkError.class,
                () -> JarLibrary.loadFrom(inJar(), "libtest.so", path -> {
                    seen.add(Path.of(path));
                    throw new UnsatisfiedLinkError("not an ELF library");
                }));
        assertEquals("not an ELF library", refused.getMessage());
        assertFalse(Files.exists(seen.get(0)));
    }

    @Test
    void aLibraryAmongTheClassesIsLoadedWhereItLies() throws Exception {
        Path file = Files.write(dir.resolve("libplain.so"), LIBRARY);
        List<String> seen = new ArrayList<>();
        JarLibrary.loadFrom(file.toUri().toURL(), "libplain.so", seen::add);
        assertEquals(List.of(file.toString()), seen);
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
    }

    @Test
    void aLibraryThatCannotAnswerWhetherItRunsIsAReasonNotAnError() {
        assumeTrue(JarLibrary.class.getResource("/native/linux-x86_64/libswitchyard_avx512.so") != null,
                "this build compiled no native kernel");
        String reason = JarLibrary.loadAndAsk("libswitchyard_avx512.so", "the test kernel", "test-kernel", () -> {
            throw new UnsatisfiedLinkError("no entry point init");
        }, status -> "status " + status);
        assertEquals("could not ask the test kernel whether it can run: no entry point init", reason);
    }
}
