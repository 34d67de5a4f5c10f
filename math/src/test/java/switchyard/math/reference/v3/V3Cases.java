package switchyard.math.reference.v3;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import org.junit.jupiter.params.provider.Arguments;
import switchyard.math.reference.VectorDirectory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The DeepSeek-V3-class reference cases, for every module's tests (through math's test-jar). Run
 * against other vectors with {@code -Dswitchyard.vectors.v3=<directory>}; a directory without a case
 * fails, naming it.
 */
public final class V3Cases {

    public static final VectorDirectory DIRECTORY = new VectorDirectory("switchyard.vectors.v3", "moe-vectors-v3");
    static final String FORMAT = "moe-v3-vectors/1";

    private static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();
    private static final Map<Path, List<V3Case>> CACHE = new ConcurrentHashMap<>();

    private V3Cases() {
    }

    public static Path directory() {
        return DIRECTORY.resolve();
    }

    /** Every {@code *.json} case of {@link #directory()}, by file name. */
    public static List<V3Case> all() {
        return CACHE.computeIfAbsent(directory().toAbsolutePath().normalize(), V3Cases::parseAll);
    }

    /** {@code (name, case)} pairs for {@code @MethodSource}. */
    public static Stream<Arguments> arguments() {
        return all().stream().map(c -> Arguments.of(c.name(), c));
    }

    private static List<V3Case> parseAll(Path dir) {
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list reference-vector directory " + dir, e);
        }
        if (files.isEmpty()) throw new IllegalStateException("reference-vector directory " + dir + " holds no case (*.json)");
        return files.stream().map(V3Cases::parse).collect(Collectors.toUnmodifiableList());
    }

    static V3Case parse(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement json = JsonParser.parseReader(in);
            JsonElement format = json.isJsonObject() ? json.getAsJsonObject().get("format") : null;
            if (format == null || !FORMAT.equals(format.getAsString()))
                throw new IllegalArgumentException("format is " + format + ", expected \"" + FORMAT + "\"");
            V3Case c = GSON.fromJson(json, V3Case.class);
            if (c.ranks() == null || c.ranks().size() != c.worldSize() || c.numExperts() != c.worldSize() * c.localExperts())
                throw new IllegalArgumentException("ranks or expert counts do not match the header");
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference case " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("bad reference case " + file + ": " + e.getMessage(), e);
        }
    }
}
