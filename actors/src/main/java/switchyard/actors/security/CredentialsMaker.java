package switchyard.actors.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a job's {@link Credentials}: a fresh RSA key pair with a self-signed certificate, a trust
 * store holding only that certificate, a random password and a random data-plane secret. The
 * certificate is made by the JDK's own {@code keytool} (the JDK has no public API for it, and a
 * certificate library would be a dependency for one file); everything random comes from
 * {@link SecureRandom}. Files are readable by the owner only.
 */
public final class CredentialsMaker {
    private static final String ALIAS = "switchyard-job";

    private CredentialsMaker() {}

    /**
     * Writes fresh credentials into {@code dir} (created if missing), which must not hold any yet.
     *
     * @throws IllegalArgumentException if {@code dir} already holds credentials or keytool fails
     */
    public static Credentials make(Path dir) {
        Path keyStore = dir.resolve(Credentials.KEY_STORE);
        if (Files.exists(keyStore)) throw new IllegalArgumentException(dir + " already holds credentials; remove it or choose another directory");
        SecureRandom random = new SecureRandom();
        byte[] pw = new byte[24];
        random.nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        byte[] secret = new byte[Credentials.KEY_BYTES];
        random.nextBytes(secret);
        try {
            Files.createDirectories(dir);
            ownerOnly(dir, "rwx------");
            writeSecret(dir.resolve(Credentials.PASSWORD), password);
            writeSecret(dir.resolve(Credentials.DATA_PLANE_KEY), HexFormat.of().formatHex(secret));
            Path cert = dir.resolve("job.crt");
            keytool(password, "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                    "-dname", "CN=switchyard job", "-storetype", "PKCS12", "-keystore", keyStore.toString());
            keytool(password, "-exportcert", "-rfc", "-alias", ALIAS, "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-file", cert.toString());
            keytool(password, "-importcert", "-noprompt", "-alias", ALIAS, "-storetype", "PKCS12",
                    "-keystore", dir.resolve(Credentials.TRUST_STORE).toString(), "-file", cert.toString());
            Files.delete(cert);
            ownerOnly(keyStore, "rw-------");
            ownerOnly(dir.resolve(Credentials.TRUST_STORE), "rw-------");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write credentials to " + dir + ": " + e.getMessage());
        }
        return Credentials.load(dir);
    }

    private static void writeSecret(Path file, String text) throws IOException {
        Files.writeString(file, text + "\n", StandardCharsets.US_ASCII);
        ownerOnly(file, "rw-------");
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        }
    }

    /** Runs the JDK's keytool with the store password on its standard input, never on its command line. */
    private static void keytool(String password, String... args) throws IOException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(tool)) throw new IOException("the JDK's keytool is not at " + tool);
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass:env", "SWITCHYARD_STOREPASS"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SWITCHYARD_STOREPASS", password);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran");
        }
        if (p.exitValue() != 0) throw new IOException("keytool " + args[0] + " failed: " + output.strip());
    }
}
