package switchyard.actors.transport;

import switchyard.actors.wire.WireFormatException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Authenticated encryption of one direction of one link: AES-256-GCM under the link's session key,
 * the frame's number as the nonce. A frame that was altered, cut, replayed, reordered or made
 * without the key fails its tag and is refused before a byte of it is decoded. AES-GCM is also
 * the cheapest way to authenticate here: on CPUs with AES and carry-less multiply instructions the
 * JDK encrypts and tags faster than it computes an HMAC alone (docs/security.md has the figures).
 * One instance per link thread.
 */
final class FrameCipher {
    static final int TAG_BYTES = 16;
    private static final int TAG_BITS = TAG_BYTES * 8;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final int mode;
    private final byte[] nonce = new byte[12];
    private long frames;

    private FrameCipher(byte[] sessionKey, int mode) {
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES-GCM", e);
        }
        this.key = new SecretKeySpec(sessionKey, "AES");
        this.mode = mode;
    }

    static FrameCipher sealing(byte[] sessionKey) {
        return new FrameCipher(sessionKey, Cipher.ENCRYPT_MODE);
    }

    static FrameCipher opening(byte[] sessionKey) {
        return new FrameCipher(sessionKey, Cipher.DECRYPT_MODE);
    }

    /** Encrypts {@code plain}'s remaining bytes into {@code out} followed by the tag ({@link #TAG_BYTES} more). */
    void seal(ByteBuffer plain, ByteBuffer out) {
        try {
            cipher.init(mode, key, nextNonce());
            cipher.doFinal(plain, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing frame " + frames + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks and decrypts {@code sealed}'s remaining bytes (ciphertext and tag) into {@code out}.
     *
     * @throws WireFormatException if the frame fails authentication
     */
    void open(ByteBuffer sealed, ByteBuffer out) {
        if (sealed.remaining() < TAG_BYTES)
            throw new WireFormatException("sealed frame of " + sealed.remaining() + " bytes is shorter than its tag");
        long n = frames;
        try {
            cipher.init(mode, key, nextNonce());
            cipher.doFinal(sealed, out);
        } catch (AEADBadTagException e) {
            throw new WireFormatException("frame " + n + " failed authentication (altered, replayed, or not made with this job's key)");
        } catch (GeneralSecurityException e) {
            throw new WireFormatException("frame " + n + " cannot be opened: " + e.getMessage());
        }
    }

    private GCMParameterSpec nextNonce() {
        long n = frames++;
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (n >>> (8 * i));
        return new GCMParameterSpec(TAG_BITS, nonce);
    }
}
