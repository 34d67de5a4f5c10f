package switchyard.actors.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import switchyard.math.placement.Placement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A placement that took effect at {@code update} (0-based), as a routing-only run recorded it in
 * {@code metrics.jsonl}: only where it changed, so the first one and the re-plans that moved
 * experts. The report's placement pictures are drawn from these alone, so a redraw sees what the
 * run saw.
 */
record PlacementChange(int update, Placement placement) {

    /** The recorded changes in update order; none for a run without a placement. */
    static List<PlacementChange> read(Path metricsFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(metricsFile);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + metricsFile + ": " + e.getMessage());
        }
        List<PlacementChange> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            if (!o.has("placement")) continue;
            try {
                out.add(new PlacementChange(o.get("step").getAsInt() - 1, Placement.parse(o.get("placement").getAsString())));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(metricsFile + " line " + (i + 1) + " has no valid placement: " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Whether a report shows placement pictures: some recorded placement is not the static map. A
     * static run (or none) keeps the report it always had; a re-plan that moved nothing is not
     * recorded, so it cannot tell a static run apart either.
     */
    static boolean anyMoved(List<PlacementChange> changes) {
        return changes.stream().anyMatch(c -> !c.placement().isStatic());
    }
}
