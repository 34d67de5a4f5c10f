package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 over the raw little-endian float bits of parameters: equal digests mean bit-identical weights. */
public final class ParameterDigests {
    private ParameterDigests() {}

    public static byte[] of(List<FMatrixRMaj> tensors) {
        MessageDigest sha = sha256();
        for (FMatrixRMaj m : tensors) {
            int n = m.numRows * m.numCols;
            ByteBuffer bytes = ByteBuffer.allocate(8 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
            bytes.putInt(m.numRows).putInt(m.numCols);
            bytes.asFloatBuffer().put(m.data, 0, n);
            sha.update(bytes.array());
        }
        return sha.digest();
    }

    /**
     * A gate replica's digest: its weight, and its selection bias when it has one (a layer without
     * a bias digests exactly as before the bias existed).
     */
    public static byte[] ofGate(FMatrixRMaj weight, float[] selectionBias) {
        if (selectionBias == null) return of(List.of(weight));
        return of(List.of(weight, FMatrixRMaj.wrap(1, selectionBias.length, selectionBias)));
    }

    /** The digest of a set of experts' parameters (W1, b1, W2, b2 of each, in order). */
    public static byte[] ofExperts(List<switchyard.math.expert.Expert> experts) {
        List<FMatrixRMaj> tensors = new java.util.ArrayList<>(4 * experts.size());
        for (switchyard.math.expert.Expert e : experts) tensors.addAll(List.of(e.w1(), e.b1(), e.w2(), e.b2()));
        return of(tensors);
    }

    /** One digest over many, in the given order. */
    public static byte[] combine(List<byte[]> parts) {
        MessageDigest sha = sha256();
        for (byte[] p : parts) sha.update(p);
        return sha.digest();
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
