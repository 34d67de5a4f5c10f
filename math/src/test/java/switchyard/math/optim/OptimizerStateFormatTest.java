package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerStateFormatTest {

    /** An Adam state with two parameters after two steps. */
    private static OptimizerState sample() {
        List<Param> params = List.of(TestParams.matrix("a", 2, 3), TestParams.matrix("b", 1, 2));
        Adam adam = new Adam(0.01);
        for (int t = 0; t < 2; t++) {
            Quadratic.gradient(params, t, 0.1f);
            adam.step(params);
        }
        return adam.state();
    }

    private static OptimizerState read(byte[] bytes) throws IOException {
        return OptimizerState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void roundTripsExactly() throws IOException {
        OptimizerState s = sample();
        OptimizerState back = read(ResumeTest.bytes(s));
        assertEquals(s, back);
        assertEquals(2, back.steps());
        assertEquals(0.01, back.hyperParameters().get("lr"));
    }

    @Test
    void rejectsWrongMagicAndVersion() throws IOException {
        byte[] good = ResumeTest.bytes(sample());
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertMessage(assertThrows(IOException.class, () -> read(magic)), "magic");
        byte[] version = good.clone();
        ByteBuffer.wrap(version).putInt(4, 99);
        assertMessage(assertThrows(IOException.class, () -> read(version)), "version 99");
    }

    @Test
    void everyTruncationFailsWithIoException() throws IOException {
        byte[] good = ResumeTest.bytes(sample());
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(IOException.class, () -> read(cut), "prefix of " + n + " bytes");
        }
    }

    @Test
    void hugeClaimedSizesFailWithoutAllocating() {
        // A legal-looking header that claims a 16384×16384 buffer, then ends.
        assertMessage(assertThrows(IOException.class, () -> read(header(out -> {
            param(out, "w", 16384, 16384);
            out.writeInt(1);
            out.writeUTF("m");
        }))), "EOF");
        assertMessage(assertThrows(IOException.class, () -> read(header(out -> param(out, "w", 1 << 20, 1 << 20)))),
                "shape");
        assertMessage(assertThrows(IOException.class, () -> read(header(out -> param(out, "w", -1, 3)))), "shape");
    }

    @Test
    void rejectsAbsurdCountsAndDuplicates() {
        assertMessage(assertThrows(IOException.class, () -> read(prefix(out -> out.writeInt(Integer.MAX_VALUE)))),
                "number of hyper-parameters");
        assertMessage(assertThrows(IOException.class, () -> read(prefix(out -> out.writeInt(-1)))),
                "number of hyper-parameters");
        assertMessage(assertThrows(IOException.class, () -> read(headerWithParams(2, out -> {
            param(out, "w", 1, 1);
            out.writeInt(0);
            param(out, "w", 1, 1);
            out.writeInt(0);
        }))), "'w' appears twice");
    }

    @Test
    void rejectsInconsistentStepCounts() {
        assertMessage(assertThrows(IOException.class, () -> read(headerWithParams(1, out -> {
            out.writeUTF("w");
            out.writeInt(1);
            out.writeInt(1);
            out.writeLong(99); // more updates than the optimizer's 3 steps
            out.writeInt(0);
        }))), "99 updates");
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Magic, version, kind and a step count of 3, then {@code rest}. */
    private static byte[] prefix(Body rest) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeInt(OptimizerStateFormat.MAGIC);
        out.writeInt(OptimizerStateFormat.VERSION);
        out.writeUTF("adam");
        out.writeLong(3);
        rest.write(out);
        return buf.toByteArray();
    }

    private static byte[] headerWithParams(int nParams, Body params) throws IOException {
        return prefix(out -> {
            out.writeInt(0);
            out.writeInt(nParams);
            params.write(out);
        });
    }

    private static byte[] header(Body oneParam) throws IOException {
        return headerWithParams(1, oneParam);
    }

    private static void param(DataOutputStream out, String name, int rows, int cols) throws IOException {
        out.writeUTF(name);
        out.writeInt(rows);
        out.writeInt(cols);
        out.writeLong(1);
    }

    private static void assertMessage(Exception e, String fragment) {
        assertTrue(e.toString().contains(fragment), () -> "expected '" + fragment + "' in: " + e);
    }
}
