package switchyard.math.reference;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one {@code *.json} file into a validated {@link ReferenceCase}. */
final class CaseParser {

    static final String FORMAT = "moe-top2-vectors/1";

    // snake_case keys map onto the record components; Gson parses reals with Double.parseDouble,
    // which recovers the files' shortest round-trip decimals exactly.
    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .create();

    private CaseParser() {
    }

    /** @throws IllegalStateException naming the file and what is wrong with it */
    static ReferenceCase parse(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement json = JsonParser.parseReader(in);
            JsonElement format = json.isJsonObject() ? json.getAsJsonObject().get("format") : null;
            if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
                throw new IllegalArgumentException("format is " + format + ", expected \"" + FORMAT + "\"");
            }
            ReferenceCase c = GSON.fromJson(json, ReferenceCase.class);
            CaseValidator.validate(c);
            String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
            if (!stem.equals(c.name())) {
                throw new IllegalArgumentException("name is \"" + c.name() + "\" but the file is " + stem + ".json");
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference case " + file, e);
        } catch (RuntimeException e) { // Gson, validation, or a component constructor
            throw new IllegalStateException("bad reference case " + file + ": " + e.getMessage(), e);
        }
    }
}
