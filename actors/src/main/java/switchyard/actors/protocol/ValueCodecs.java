package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireWriter;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.optim.OptimizerState;
import switchyard.math.placement.Placement;
import switchyard.math.task.ClusteredRegression;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Encodings of the values nested in messages. Tags are single bytes; unknown tags are format errors. */
public final class ValueCodecs {
    private ValueCodecs() {}

    /** The part's rows in its own encoding (which the enclosing message says, so the reader knows it). */
    public static void writePart(RowPart part, WireWriter out) {
        out.putInt(part.firstRow()).putInts(part.counts());
        if (part.encoding() == RowEncoding.BF16) out.putMatrixRowsBf16(part.source(), part.sourceRow(), part.numRows());
        else out.putMatrixRows(part.source(), part.sourceRow(), part.numRows());
    }

    /**
     * A part as written by {@link #writePart}. Its counts describe the whole block it belongs to,
     * which a receiver assembles into one matrix: counts that are negative, add up past an int, or
     * make a block of more than the reader's maximum elements are refused here, before anyone
     * allocates that block. Whether the counts suit the step is the receiving rank's to check.
     */
    public static RowPart readPart(WireReader in, RowEncoding encoding) {
        int first = in.getInt();
        int[] counts = in.getInts();
        long blockRows;
        try {
            blockRows = RowPart.rowsIn(counts);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad rows part: " + e.getMessage());
        }
        FMatrixRMaj m = encoding == RowEncoding.BF16 ? in.getRowsBf16() : in.getRows();
        in.requireWithinMaximum(blockRows * m.numCols, "exchange block of " + blockRows + "x" + m.numCols);
        try {
            return new RowPart(counts, first, m, encoding);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("inconsistent rows part: " + e.getMessage());
        }
    }

    public static void writeNullableMatrix(FMatrixRMaj m, WireWriter out) {
        out.putBoolean(m != null);
        if (m != null) out.putMatrix(m);
    }

    public static FMatrixRMaj readNullableMatrix(WireReader in) {
        return in.getBoolean() ? in.getMatrix() : null;
    }

    public static void writeObjective(Objective o, WireWriter out) {
        if (o instanceof Objective.Mse mse) {
            out.putByte(1).putMatrix(mse.target());
        } else if (o instanceof Objective.Linear lin) {
            out.putByte(2).putMatrix(lin.weights());
        } else {
            out.putByte(0);
        }
    }

    public static Objective readObjective(WireReader in) {
        int tag = in.getByte();
        return switch (tag) {
            case 0 -> new Objective.None();
            case 1 -> new Objective.Mse(in.getMatrix());
            case 2 -> new Objective.Linear(in.getMatrix());
            default -> throw new WireFormatException("unknown objective tag " + tag);
        };
    }

    public static void writeBatch(Batch b, WireWriter out) {
        if (b instanceof Batch.Given g) {
            out.putByte(0).putMatrix(g.input());
            writeObjective(g.objective(), out);
            writeNullableMatrix(g.gumbelNoise(), out);
        } else if (b instanceof Batch.Synthetic syn) {
            ClusteredRegression.Spec s = syn.spec();
            out.putByte(1).putLong(s.seed()).putInt(s.clusters()).putInt(s.modelDim()).putInt(s.tokens()).putDouble(s.skew());
        } else {
            Batch.Noise n = (Batch.Noise) b;
            out.putByte(2).putLong(n.seed()).putInt(n.tokens()).putInt(n.modelDim()).putInt(n.distinct());
        }
    }

    public static Batch readBatch(WireReader in) {
        int tag = in.getByte();
        return switch (tag) {
            case 0 -> new Batch.Given(in.getMatrix(), readObjective(in), readNullableMatrix(in));
            case 1 -> {
                long seed = in.getLong();
                int clusters = in.getInt(), dim = in.getInt(), tokens = in.getInt();
                double skew = in.getDouble();
                try {
                    yield new Batch.Synthetic(new ClusteredRegression.Spec(seed, clusters, dim, tokens, skew));
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException("bad synthetic task: " + e.getMessage());
                }
            }
            case 2 -> {
                long seed = in.getLong();
                int tokens = in.getInt(), dim = in.getInt(), distinct = in.getInt();
                try {
                    yield new Batch.Noise(seed, tokens, dim, distinct);
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException("bad noise batch: " + e.getMessage());
                }
            }
            default -> throw new WireFormatException("unknown batch tag " + tag);
        };
    }

    public static void writePhase(Phase p, WireWriter out) {
        out.putByte(p.ordinal());
    }

    public static Phase readPhase(WireReader in) {
        int ordinal = in.getByte();
        if (ordinal < 0 || ordinal >= Phase.values().length) throw new WireFormatException("unknown phase " + ordinal);
        return Phase.values()[ordinal];
    }

    public static void writeReport(StepReport r, WireWriter out) {
        out.putInt(r.tokens()).putDouble(r.taskLoss()).putFloat(r.lAux()).putFloat(r.zLoss()).putFloat(r.routerLoss())
                .putInt(r.capacity()).putInts(r.tokensPerExpert()).putInts(r.droppedPerChoice()).putInt(r.droppedTokens());
        out.putInt(r.rowsSent().length);
        for (int[] row : r.rowsSent()) out.putInts(row);
        out.putInt(r.bytesSent().length);
        for (long[] row : r.bytesSent()) out.putLongs(row);
        out.putLongs(r.phaseNanos()).putInts(r.selections()).putInts(r.groupsSpanned()).putFloats(r.selectionBias());
    }

    public static StepReport readReport(WireReader in) {
        int tokens = in.getInt();
        double taskLoss = in.getDouble();
        float lAux = in.getFloat(), zLoss = in.getFloat(), routerLoss = in.getFloat();
        int capacity = in.getInt();
        int[] perExpert = in.getInts();
        int[] dropped = in.getInts();
        int droppedTokens = in.getInt();
        int[][] rows = new int[in.getInt("exchange count", StepReport.EXCHANGES, StepReport.EXCHANGES)][];
        for (int i = 0; i < rows.length; i++) rows[i] = in.getInts();
        long[][] bytes = new long[in.getInt("exchange count", StepReport.EXCHANGES, StepReport.EXCHANGES)][];
        for (int i = 0; i < bytes.length; i++) bytes[i] = in.getLongs();
        long[] nanos = in.getLongs();
        return new StepReport(tokens, taskLoss, lAux, zLoss, routerLoss, capacity, perExpert, dropped, droppedTokens,
                rows, bytes, nanos, in.getInts(), in.getInts(), in.getFloats());
    }

    public static void writeTensors(StepTensors t, WireWriter out) {
        out.putBoolean(t != null);
        if (t == null) return;
        out.putInt(t.topK()).putInts(t.expert()).putInts(t.slot()).putBooleans(t.kept()).putFloats(t.weight())
                .putInts(t.selections()).putBoolean(t.keptGroups() != null);
        if (t.keptGroups() != null) out.putInts(t.keptGroups());
        writeNullableMatrix(t.output(), out);
        writeNullableMatrix(t.inputGradient(), out);
    }

    public static StepTensors readTensors(WireReader in) {
        if (!in.getBoolean()) return null;
        int topK = in.getInt();
        int[] expert = in.getInts(), slot = in.getInts();
        boolean[] kept = in.getBooleans();
        float[] weight = in.getFloats();
        int[] selections = in.getInts();
        int[] keptGroups = in.getBoolean() ? in.getInts() : null;
        return new StepTensors(topK, expert, slot, kept, weight, selections, keptGroups, readNullableMatrix(in), readNullableMatrix(in));
    }

    /** A list of gradient sets (a replica of the shared experts, an expert shard). */
    public static void writeGradList(List<ExpertGrads> grads, WireWriter out) {
        out.putInt(grads.size());
        for (ExpertGrads g : grads) writeGrads(g, out);
    }

    public static List<ExpertGrads> readGradList(WireReader in) {
        int n = in.getInt("gradient set count", 0, 1 << 16);
        List<ExpertGrads> grads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) grads.add(readGrads(in));
        return grads;
    }

    /** A list of experts' parameters. */
    public static void writeExperts(List<Expert> experts, WireWriter out) {
        out.putInt(experts.size());
        for (Expert e : experts) out.putMatrix(e.w1()).putMatrix(e.b1()).putMatrix(e.w2()).putMatrix(e.b2());
    }

    public static List<Expert> readExperts(WireReader in) {
        int n = in.getInt("expert count", 0, 1 << 16);
        List<Expert> experts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FMatrixRMaj w1 = in.getMatrix(), b1 = in.getMatrix(), w2 = in.getMatrix(), b2 = in.getMatrix();
            try {
                experts.add(new Expert(w1, b1, w2, b2));
            } catch (IllegalArgumentException e) {
                throw new WireFormatException("bad expert " + i + ": " + e.getMessage());
            }
        }
        return experts;
    }

    public static void writeGrads(ExpertGrads g, WireWriter out) {
        out.putMatrix(g.w1()).putMatrix(g.b1()).putMatrix(g.w2()).putMatrix(g.b2());
    }

    public static ExpertGrads readGrads(WireReader in) {
        return new ExpertGrads(in.getMatrix(), in.getMatrix(), in.getMatrix(), in.getMatrix());
    }

    /** A placement or null: W, L, R and the expert of every slot (the constructor checks them). */
    public static void writeNullablePlacement(Placement p, WireWriter out) {
        out.putBoolean(p != null);
        if (p != null) out.putInt(p.ranks()).putInt(p.localExperts()).putInt(p.redundant()).putInts(p.slotExperts());
    }

    public static Placement readNullablePlacement(WireReader in) {
        if (!in.getBoolean()) return null;
        int w = in.getInt(), l = in.getInt(), r = in.getInt();
        try {
            return new Placement(w, l, r, in.getInts());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new WireFormatException("bad placement: " + e.getMessage());
        }
    }

    /**
     * An optimizer's state, as the bytes of the format checkpoints keep it in
     * ({@code OptimizerState.writeTo}: versioned, every count and shape checked on reading, never
     * allocating much more than the bytes present).
     */
    public static void writeOptimizerState(OptimizerState s, WireWriter out) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            s.writeTo(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a stream in memory does not fail
        }
        out.putBytes(bytes.toByteArray());
    }

    public static OptimizerState readOptimizerState(WireReader in) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(in.getBytes());
        try {
            OptimizerState state = OptimizerState.readFrom(new DataInputStream(bytes));
            if (bytes.available() > 0) {
                throw new WireFormatException("bad optimizer state: " + bytes.available() + " bytes past its end");
            }
            return state;
        } catch (IOException e) {
            throw new WireFormatException("bad optimizer state: " + e.getMessage());
        }
    }
}
