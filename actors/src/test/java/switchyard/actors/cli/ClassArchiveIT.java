package switchyard.actors.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The class-data archive that `package` makes for the launcher: it must belong to the jar beside
 * it (the JVM refuses to start with {@code -Xshare:on} when it does not), and the launcher that
 * maps it must print nothing of its own on stdout.
 */
class ClassArchiveIT {
    private static final Path JAR = Path.of("target", "switchyard.jar");
    private static final Path ARCHIVE = Path.of("target", "switchyard.jsa");
    private static final Path LAUNCHER = Path.of("..", "switchyard");

    @Test
    void theJarStartsOnItsArchive() throws Exception {
        assertTrue(Files.isRegularFile(ARCHIVE), ARCHIVE.toAbsolutePath() + " was not made by `package`");
        assertTrue(!Files.getLastModifiedTime(JAR).toInstant().isAfter(Files.getLastModifiedTime(ARCHIVE).toInstant()),
                "the archive is older than the jar, so the launcher would leave it out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Run strict = run(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xshare:on", "-XX:SharedArchiveFile=" + ARCHIVE,
                "-jar", JAR.toString(), "--version"));
        assertEquals(0, strict.code, "the JVM could not map the archive: " + strict.out);
        assertTrue(strict.out.startsWith("switchyard "), strict.out);
    }

    @Test
    void theLauncherPrintsOnlyWhatSwitchyardPrints() throws Exception {
        Run launched = run(List.of("bash", LAUNCHER.toString(), "--version"));
        assertEquals(0, launched.code, launched.out);
        assertTrue(launched.out.matches("switchyard \\S+\\R"), "stdout: '" + launched.out + "'");
    }

    private record Run(int code, String out) {}

    private static Run run(List<String> command) throws Exception {
        Path out = Files.createTempFile("switchyard-archive-", ".out");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within 2 minutes");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
