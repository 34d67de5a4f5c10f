package switchyard.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files a reader can hold in their head: no main source file of any module (Java or C) over 400 lines. */
class SourceFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final int LIMIT = 400;

    @Test
    void noMainSourceFileIsLong() throws IOException {
        List<String> longFiles = new ArrayList<>();
        int seen = 0;
        for (String module : List.of("math", "native", "actors", "bench", "dist")) {
            Path main = ROOT.resolve(module).resolve("src").resolve("main");
            if (!Files.isDirectory(main)) continue;
            try (Stream<Path> files = Files.walk(main)) {
                for (Path p : files.filter(SourceFilesTest::isSource).toList()) {
                    seen++;
                    long lines;
                    try (Stream<String> s = Files.lines(p)) {
                        lines = s.count();
                    }
                    if (lines > LIMIT) longFiles.add(ROOT.relativize(p) + " (" + lines + " lines)");
                }
            }
        }
        assertTrue(seen > 100, "found only " + seen + " source files under " + ROOT);
        assertEquals(List.of(), longFiles, "main source files over " + LIMIT + " lines");
    }

    private static boolean isSource(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".java") || name.endsWith(".c") || name.endsWith(".h");
    }
}
