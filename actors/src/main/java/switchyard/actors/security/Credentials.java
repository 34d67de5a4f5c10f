package switchyard.actors.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HexFormat;

/**
 * A job's credentials: what every node of one job holds and nobody else does. A directory made by
 * {@link CredentialsMaker} (`switchyard credentials DIR`):
 * <pre>
 *   node.p12        the job's key pair and self-signed certificate (PKCS#12): Artery's mutual TLS
 *   trust.p12       that certificate alone: the only one a node trusts
 *   password        the password of both stores
 *   data-plane.key  32 random bytes (hex): the data plane's shared secret
 * </pre>
 * Every node gets a copy of the same directory; whoever can read it is a member of the job, so it
 * must be readable by the job's user only (the maker sets that).
 *
 * @param dataPlaneKey the data plane's shared secret; never logged
 */
public record Credentials(Path dir, Path keyStore, Path trustStore, String password, byte[] dataPlaneKey) {
    public static final String KEY_STORE = "node.p12";
    public static final String TRUST_STORE = "trust.p12";
    public static final String PASSWORD = "password";
    public static final String DATA_PLANE_KEY = "data-plane.key";
    /** Bytes of the data plane's secret. */
    public static final int KEY_BYTES = 32;

    /**
     * Reads and checks the credentials in {@code dir}: both stores open with the password, the key
     * store holds a key, the secret has the right length.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static Credentials load(Path dir) {
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException("credentials directory " + dir + " does not exist (make one with `switchyard credentials " + dir + "`)");
        Path keyStore = dir.resolve(KEY_STORE).toAbsolutePath();
        Path trustStore = dir.resolve(TRUST_STORE).toAbsolutePath();
        String password = readText(dir.resolve(PASSWORD)).strip();
        byte[] key;
        String hex = readText(dir.resolve(DATA_PLANE_KEY)).strip();
        try {
            key = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("credentials file " + dir.resolve(DATA_PLANE_KEY) + " is not hexadecimal");
        }
        if (key.length != KEY_BYTES)
            throw new IllegalArgumentException("credentials file " + dir.resolve(DATA_PLANE_KEY) + " holds " + key.length + " bytes, expected " + KEY_BYTES);
        if (!holdsKey(open(keyStore, password)))
            throw new IllegalArgumentException("key store " + keyStore + " holds no private key");
        if (!holdsCertificate(open(trustStore, password)))
            throw new IllegalArgumentException("trust store " + trustStore + " holds no certificate");
        return new Credentials(dir.toAbsolutePath(), keyStore, trustStore, password, key);
    }

    private static KeyStore open(Path file, String password) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("credentials file " + file + " is missing");
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open " + file + " with the password in " + file.resolveSibling(PASSWORD) + ": " + e.getMessage());
        }
    }

    private static boolean holdsKey(KeyStore store) {
        try {
            for (String alias : java.util.Collections.list(store.aliases())) if (store.isKeyEntry(alias)) return true;
            return false;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean holdsCertificate(KeyStore store) {
        try {
            return store.size() > 0;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String readText(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("credentials file " + file + " is missing");
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + dir + "]"; // never the password or the secret
    }
}
