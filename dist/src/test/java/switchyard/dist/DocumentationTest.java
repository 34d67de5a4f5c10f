package switchyard.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README is the front door and docs/ holds the depth: every relative link in them resolves
 * (file and heading), every file under docs/ is cited from one of them, and the README stays short.
 */
class DocumentationTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    @Test
    void everyRelativeLinkResolvesAndEveryDocIsCited() throws IOException {
        List<String> broken = new ArrayList<>();
        Set<Path> cited = new HashSet<>();
        for (Path md : markdown()) {
            Matcher m = LINK.matcher(Files.readString(md));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) continue; // http:, https:, mailto:
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path file = path.isEmpty() ? md : md.getParent().resolve(path).normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(md) + " -> " + target + " (no such file)");
                    continue;
                }
                cited.add(file);
                if (hash >= 0 && (Files.isDirectory(file) || !slugs(file).contains(target.substring(hash + 1)))) {
                    broken.add(ROOT.relativize(md) + " -> " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            List<String> uncited = docs.filter(Files::isRegularFile).filter(f -> !cited.contains(f))
                    .map(f -> ROOT.relativize(f).toString()).sorted().toList();
            assertEquals(List.of(), uncited, "files under docs/ that nothing cites");
        }
    }

    @Test
    void theReadmeStaysAFrontDoor() throws IOException {
        long lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines <= 350, "README.md has " + lines + " lines; depth belongs in docs/");
    }

    private static List<Path> markdown() throws IOException {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            out.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
        }
        return out;
    }

    /** GitHub's anchors for the headings of {@code md}: lower case, punctuation dropped, spaces to dashes. */
    private static Set<String> slugs(Path md) {
        try (Stream<String> lines = Files.lines(md)) {
            return lines.map(HEADING::matcher).filter(Matcher::matches)
                    .map(h -> h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
