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
