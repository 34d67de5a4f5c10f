package switchyard.actors.transport;

import com.typesafe.config.Config;
import switchyard.actors.security.Credentials;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * How a node's data-plane links prove who they are: {@link Mode#SEALED} with the job's shared
 * secret (a mutual challenge–response in the handshake, then every frame sealed with a session
 * key), or {@link Mode#OPEN} (no proof, no protection: only with {@code --insecure}). Proofs and
 * session keys are HMAC-SHA256 under the secret over the handshake's transcript (both nonces, both
 * node addresses), each with its own label, so no proof can be replayed or reflected and every
 * link has a key of its own.
 */
final class LinkSecurity {
    enum Mode { OPEN, SEALED }

    static final int NONCE_BYTES = 32;
    static final int PROOF_BYTES = 32;

    private final Mode mode;
    private final byte[] secret;
    private final SecureRandom random = new SecureRandom();

    private LinkSecurity(Mode mode, byte[] secret) {
        this.mode = mode;
        this.secret = secret;
        // load the JCA providers now: the first handshake must not spend its time limit on that
        serverProof(nonce());
        FrameCipher.sealing(new byte[32]).seal(java.nio.ByteBuffer.allocate(0), java.nio.ByteBuffer.allocate(FrameCipher.TAG_BYTES));
    }

    static LinkSecurity open() {
        return new LinkSecurity(Mode.OPEN, null);
    }

    static LinkSecurity sealed(byte[] secret) {
        return new LinkSecurity(Mode.SEALED, secret.clone());
    }

    /**
     * From {@code switchyard.security}: sealed with the credentials' secret, open when
     * {@code insecure} is on; a cluster node with neither cannot start its data plane.
     */
    static LinkSecurity from(Config config, String node) {
        Config c = config.getConfig("switchyard.security");
        String dir = c.getString("credentials");
        if (!dir.isEmpty()) return sealed(Credentials.load(java.nio.file.Path.of(dir)).dataPlaneKey());
        if (c.getBoolean("insecure")) return open();
        throw new IllegalArgumentException("node " + node + " has no credentials: it would take data-plane connections from anyone. "
                + "Give it the job's credentials (switchyard.security.credentials, `--credentials DIR`; make them with "
                + "`switchyard credentials DIR`), or accept that risk with switchyard.security.insecure = on (`--insecure`)");
    }

    Mode mode() { return mode; }

    byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        random.nextBytes(n);
        return n;
    }

    /** The listener's proof that it holds the secret; zeros on open links. */
    byte[] serverProof(byte[] transcript) {
        return derive("switchyard data plane: server proof", transcript);
    }

    /** The connecting node's proof that it holds the secret; zeros on open links. */
    byte[] clientProof(byte[] transcript) {
        return derive("switchyard data plane: client proof", transcript);
    }

    /** The link's AES-256 key; null on open links. */
    byte[] sessionKey(byte[] transcript) {
        return mode == Mode.OPEN ? null : derive("switchyard data plane: session key", transcript);
    }

    /** Whether {@code proof} is {@code expected}, in time independent of where they differ. */
    boolean matches(byte[] expected, byte[] proof) {
        return mode == Mode.OPEN || MessageDigest.isEqual(expected, proof);
    }

    private byte[] derive(String label, byte[] transcript) {
        if (mode == Mode.OPEN) return new byte[PROOF_BYTES];
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }

    /** Both nonces appended to the hello's bytes: what every proof and key is bound to. */
    static byte[] transcript(byte[] hello, byte[] serverNonce) {
        byte[] t = Arrays.copyOf(hello, hello.length + serverNonce.length);
        System.arraycopy(serverNonce, 0, t, hello.length, serverNonce.length);
        return t;
    }
}
