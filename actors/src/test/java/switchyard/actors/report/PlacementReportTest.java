package switchyard.actors.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.cli.Cli;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 22's pictures in a real routing-only report: drawn when experts moved, redrawn from metrics.jsonl, absent for static. */
class PlacementReportTest {
    private static final String RUN = "simulate --routing-only -W 8 -L 2 -S 256 --steps 6 --skew 1.2";

    @TempDir
    static Path root;
    static Path greedy, fixed;

    @BeforeAll
    static void runGreedyAndStatic() {
        greedy = root.resolve("greedy");
        fixed = root.resolve("static");
        Cli cli = Cli.run((RUN + " --placement greedy --redundant-experts 1 --replan-every 2 --report " + greedy).split(" "));
        assertEquals(0, cli.code(), cli.err());
        cli = Cli.run((RUN + " --placement static --replan-every 2 --report " + fixed).split(" "));
        assertEquals(0, cli.code(), cli.err());
    }

    private static List<String> placementPictures(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("placement-step-")).sorted().toList();
        }
    }

    private static void assertPicture(Path file, int width, int height) throws Exception {
        assertTrue(Files.size(file) > 2_000, file + " is too small to hold a chart: " + Files.size(file) + " bytes");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode as a PNG");
        assertEquals(width, image.getWidth(), file.toString());
        assertEquals(height, image.getHeight(), file.toString());
    }

    /** The first placement (R=1 planned on uniform load) and each re-plan that moved experts, at steps 1, 3 and 5 at most. */
    private static void assertDrawn(Path dir) throws Exception {
        assertPicture(dir.resolve(PlacementPlots.RANK_LOAD.file()), PlacementPlots.RANK_LOAD.width(), PlacementPlots.RANK_LOAD.height());
        List<String> pictures = placementPictures(dir);
        List<PlacementChange> changes = PlacementChange.read(dir.resolve(MetricsLog.FILE));
        assertEquals(changes.size(), pictures.size(), pictures.toString());
        assertTrue(pictures.contains("placement-step-1.png"), pictures.toString());
        for (String p : pictures) {
            assertTrue(List.of("placement-step-1.png", "placement-step-3.png", "placement-step-5.png").contains(p), p);
            assertPicture(dir.resolve(p), PlacementPlots.PLACEMENT_WIDTH, PlacementPlots.PLACEMENT_HEIGHT);
        }
        String index = Files.readString(dir.resolve(ReportWriter.INDEX));
        assertTrue(index.contains("src=\"rank-load.png\""), "rank-load.png on the page");
        for (String p : pictures) assertTrue(index.contains("src=\"" + p + "\""), p + " on the page");
    }

    @Test
    void aGreedyRunWithReplansDrawsTheRankLoadAndEachPlacement() throws Exception {
        assertTrue(PlacementChange.read(greedy.resolve(MetricsLog.FILE)).size() >= 2, "the skewed load moved experts at least once");
        assertDrawn(greedy);
    }

    @Test
    void aStaticRunsReportHasNoPlacementPictures() throws Exception {
        assertFalse(Files.exists(fixed.resolve(PlacementPlots.RANK_LOAD.file())));
        assertEquals(List.of(), placementPictures(fixed));
        assertFalse(Files.readString(fixed.resolve(ReportWriter.INDEX)).contains("placement-step-"));
    }

    @Test
    void redrawingFromTheMetricsDrawsThemToo() throws Exception {
        Path copy = root.resolve("copy");
        Files.createDirectories(copy);
        for (String f : List.of(MetricsLog.FILE, ReportWriter.SUMMARY)) Files.copy(greedy.resolve(f), copy.resolve(f));
        Cli cli = Cli.run("report", copy.toString());
        assertEquals(0, cli.code(), cli.err());
        assertDrawn(copy);
        assertEquals(placementPictures(greedy), placementPictures(copy));
    }
}
