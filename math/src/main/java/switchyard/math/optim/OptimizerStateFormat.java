package switchyard.math.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import switchyard.math.tensor.FloatStreams;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary form of an {@link OptimizerState}, big-endian as {@link DataOutput} writes it:
 *
 * <pre>
 * int    MAGIC ("SYOP"), int VERSION
 * utf    kind
 * long   steps
 * int    nHyper,  nHyper × { utf name, double value }
 * int    nParams, nParams × { utf name, int rows, int cols, long steps,
 *                             int nBuffers, nBuffers × { utf name, rows*cols × float (raw bits) } }
 * </pre>
 *
 * Every count and length is checked against a fixed maximum before use, and float buffers are
 * read in bounded chunks, so corrupt or truncated input fails with an {@link IOException} after
 * allocating at most about twice the bytes actually present, never an OutOfMemoryError. There is
 * no checksum: checkpoints wrap this in their own.
 */
final class OptimizerStateFormat {

    static final int MAGIC = 0x53594F50; // "SYOP"
    static final int VERSION = 1;

    static final int MAX_NAME_CHARS = 256;
    static final int MAX_HYPER_PARAMETERS = 64;
    static final int MAX_PARAMS = 1 << 20;
    static final int MAX_BUFFERS = 16;
    static final long MAX_ELEMENTS = 1L << 28; // 1 GiB of floats in one buffer

    private static final int CHUNK_FLOATS = 1 << 14;

    private OptimizerStateFormat() {
    }

    static void write(OptimizerState s, DataOutput out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(s.kind());
        out.writeLong(s.steps());
        out.writeInt(s.hyperParameters().size());
        for (Map.Entry<String, Double> h : s.hyperParameters().entrySet()) {
            out.writeUTF(h.getKey());
            out.writeDouble(h.getValue());
        }
        out.writeInt(s.params().size());
        byte[] chunk = FloatStreams.scratch(CHUNK_FLOATS * Float.BYTES);
        for (Map.Entry<String, ParamState> e : s.params().entrySet()) {
            ParamState p = e.getValue();
            out.writeUTF(e.getKey());
            out.writeInt(p.rows());
            out.writeInt(p.cols());
            out.writeLong(p.steps());
            out.writeInt(p.bufferNames().size());
            for (String buffer : p.bufferNames()) {
                out.writeUTF(buffer);
                float[] values = p.view(buffer);
                FloatStreams.write(out, values, 0, values.length, chunk);
            }
        }
    }

    static OptimizerState read(DataInput in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not an optimizer state: magic 0x%08X, expected 0x%08X", magic, MAGIC));
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported optimizer-state format version " + version + " (this build reads "
                    + VERSION + ")");
        }
        String kind = name(in, "optimizer kind");
        long steps = in.readLong();
        Map<String, Double> hyper = new TreeMap<>();
        int nHyper = count(in, "hyper-parameters", MAX_HYPER_PARAMETERS);
        for (int i = 0; i < nHyper; i++) {
            String name = name(in, "hyper-parameter name");
            if (hyper.put(name, in.readDouble()) != null) {
                throw corrupt("hyper-parameter '" + name + "' appears twice");
            }
        }
        Map<String, ParamState> params = new TreeMap<>();
        int nParams = count(in, "parameters", MAX_PARAMS);
        byte[] chunk = FloatStreams.scratch(CHUNK_FLOATS * Float.BYTES);
        for (int i = 0; i < nParams; i++) {
            String name = name(in, "parameter name");
            if (params.containsKey(name)) {
                throw corrupt("parameter '" + name + "' appears twice");
            }
            params.put(name, param(in, name, chunk));
        }
        try {
            return new OptimizerState(kind, hyper, steps, params);
        } catch (IllegalArgumentException e) {
            throw corrupt(e.getMessage());
        }
    }

    private static ParamState param(DataInput in, String name, byte[] chunk) throws IOException {
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows < 0 || cols < 0 || (long) rows * cols > MAX_ELEMENTS) {
            throw corrupt("parameter '" + name + "' has shape " + Param.shape(rows, cols) + " (limit "
                    + MAX_ELEMENTS + " elements)");
        }
        long steps = in.readLong();
        int nBuffers = count(in, "buffers of parameter '" + name + "'", MAX_BUFFERS);
        Map<String, float[]> buffers = new TreeMap<>();
        for (int b = 0; b < nBuffers; b++) {
            String buffer = name(in, "buffer name of parameter '" + name + "'");
            if (buffers.put(buffer, readFloats(in, rows * cols, chunk)) != null) {
                throw corrupt("parameter '" + name + "' has buffer '" + buffer + "' twice");
            }
        }
        try {
            return new ParamState(rows, cols, steps, buffers);
        } catch (IllegalArgumentException e) {
            throw corrupt("parameter '" + name + "': " + e.getMessage());
        }
    }

    /** Grows the result only as data arrives, so a lying length cannot force a huge allocation. */
    private static float[] readFloats(DataInput in, int n, byte[] chunk) throws IOException {
        float[] out = new float[Math.min(n, CHUNK_FLOATS)];
        for (int filled = 0; filled < n; ) {
            int k = Math.min(CHUNK_FLOATS, n - filled);
            if (filled + k > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            }
            FloatStreams.readFully(in, out, filled, k, chunk);
            filled += k;
        }
        return out;
    }

    private static int count(DataInput in, String what, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw corrupt("number of " + what + " is " + n + " (limit " + max + ")");
        }
        return n;
    }

    private static String name(DataInput in, String what) throws IOException {
        String s = in.readUTF(); // length-prefixed, at most 64 KiB
        if (s.isBlank() || s.length() > MAX_NAME_CHARS) {
            throw corrupt(what + " is blank or longer than " + MAX_NAME_CHARS + " characters");
        }
        return s;
    }

    private static IOException corrupt(String detail) {
        return new IOException("corrupt optimizer state: " + detail);
    }
}
