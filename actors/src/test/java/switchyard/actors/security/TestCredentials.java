package switchyard.actors.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Credentials for tests, made once per JVM (keytool takes a second or two) in a temporary
 * directory, and a second, unrelated set for the stranger in hostile-peer tests.
 */
public final class TestCredentials {
    private static Path job;
    private static Path stranger;

    private TestCredentials() {}

    /** The job's credentials directory. */
    public static synchronized Path job() {
        if (job == null) job = make("switchyard-test-credentials");
        return job;
    }

    /** Credentials of another job: valid, but not this job's. */
    public static synchronized Path stranger() {
        if (stranger == null) stranger = make("switchyard-stranger-credentials");
        return stranger;
    }

    private static Path make(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix).resolve("credentials");
            CredentialsMaker.make(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
