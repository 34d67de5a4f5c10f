package switchyard.actors.wire;

import akka.actor.typed.ActorRef;
import switchyard.actors.rank.RankActor;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RowPart;
import switchyard.math.expert.Expert;

import java.util.ArrayList;
import java.util.List;

import static switchyard.actors.wire.ValueCodecs.*;

/** Codecs of the messages rank actors receive. */
final class RankCodecs {
    private RankCodecs() {}

    static void register(Protocol p) {
        p.register(RankActor.Topology.class, "T", new Codec<>() {
            public void write(RankActor.Topology m, WireWriter out, Refs refs) {
                out.putInt(m.ranks().size());
                for (ActorRef<?> r : m.ranks()) refs.write(r, out);
                refs.write(m.driver(), out);
            }

            public RankActor.Topology read(WireReader in, Refs refs) {
                int n = in.getInt("rank count", 0, 1 << 16);
                List<ActorRef<RankActor.Command>> ranks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) ranks.add(refs.read(in));
                return new RankActor.Topology(ranks, refs.read(in));
            }
        });
        p.register(RankActor.RunStep.class, "S", new Codec<>() {
            public void write(RankActor.RunStep m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putBoolean(m.training()).putBoolean(m.returnTensors());
                writeBatch(m.batch(), out);
                refs.write(m.replyTo(), out);
            }

            public RankActor.RunStep read(WireReader in, Refs refs) {
                long step = in.getLong();
                boolean training = in.getBoolean(), tensors = in.getBoolean();
                return new RankActor.RunStep(step, readBatch(in), training, tensors, refs.read(in));
            }
        });
        exchange(p, RankActor.Dispatch.class, "D", (m, out) -> writeExchange(out, m.step(), m.source(), m.backward(), m.part()),
                (step, rank, flag, part) -> new RankActor.Dispatch(step, rank, flag, part));
        exchange(p, RankActor.ExpertOutput.class, "O", (m, out) -> writeExchange(out, m.step(), m.owner(), false, m.part()),
                (step, rank, flag, part) -> new RankActor.ExpertOutput(step, rank, part));
        exchange(p, RankActor.OutputGradient.class, "G", (m, out) -> writeExchange(out, m.step(), m.source(), false, m.part()),
                (step, rank, flag, part) -> new RankActor.OutputGradient(step, rank, part));
        exchange(p, RankActor.InputGradient.class, "I", (m, out) -> writeExchange(out, m.step(), m.owner(), false, m.part()),
                (step, rank, flag, part) -> new RankActor.InputGradient(step, rank, part));
        p.register(RankActor.ChunkAck.class, "K", new Codec<>() {
            public void write(RankActor.ChunkAck m, WireWriter out, Refs refs) {
                out.putInt(m.from());
            }

            public RankActor.ChunkAck read(WireReader in, Refs refs) {
                return new RankActor.ChunkAck(in.getInt());
            }
        });
        p.register(RankActor.ApplyUpdate.class, "U", new Codec<>() {
            public void write(RankActor.ApplyUpdate m, WireWriter out, Refs refs) {
                out.putLongs(m.steps()).putMatrix(m.gateGradient());
                refs.write(m.replyTo(), out);
            }

            public RankActor.ApplyUpdate read(WireReader in, Refs refs) {
                return new RankActor.ApplyUpdate(in.getLongs(), in.getMatrix(), refs.read(in));
            }
        });
        p.register(RankActor.AbortStep.class, "A", new Codec<>() {
            public void write(RankActor.AbortStep m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putString(m.reason());
            }

            public RankActor.AbortStep read(WireReader in, Refs refs) {
                return new RankActor.AbortStep(in.getLong(), in.getString());
            }
        });
        p.register(RankActor.ReportDigest.class, "R", new Codec<>() {
            public void write(RankActor.ReportDigest m, WireWriter out, Refs refs) {
                refs.write(m.replyTo(), out);
            }

            public RankActor.ReportDigest read(WireReader in, Refs refs) {
                return new RankActor.ReportDigest(refs.read(in));
            }
        });
        p.register(RankActor.InspectGradients.class, "N", new Codec<>() {
            public void write(RankActor.InspectGradients m, WireWriter out, Refs refs) {
                out.putLong(m.step());
                refs.write(m.replyTo(), out);
            }

            public RankActor.InspectGradients read(WireReader in, Refs refs) {
                return new RankActor.InspectGradients(in.getLong(), refs.read(in));
            }
        });
        p.register(RankActor.LoadParameters.class, "L", new Codec<>() {
            public void write(RankActor.LoadParameters m, WireWriter out, Refs refs) {
                out.putMatrix(m.gateWeight()).putInt(m.experts().size());
                for (Expert e : m.experts()) out.putMatrix(e.w1()).putMatrix(e.b1()).putMatrix(e.w2()).putMatrix(e.b2());
                refs.write(m.replyTo(), out);
            }

            public RankActor.LoadParameters read(WireReader in, Refs refs) {
                FMatrixRMaj gate = in.getMatrix();
                int n = in.getInt("expert count", 0, 1 << 16);
                List<Expert> experts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    try {
                        experts.add(new Expert(in.getMatrix(), in.getMatrix(), in.getMatrix(), in.getMatrix()));
                    } catch (IllegalArgumentException e) {
                        throw new WireFormatException("bad expert " + i + ": " + e.getMessage());
                    }
                }
                return new RankActor.LoadParameters(gate, experts, refs.read(in));
            }
        });
        p.register(RankActor.SaveCheckpoint.class, "cS", new Codec<>() {
            public void write(RankActor.SaveCheckpoint m, WireWriter out, Refs refs) {
                out.putString(m.dir()).putLong(m.updatesDone());
                refs.write(m.replyTo(), out);
            }

            public RankActor.SaveCheckpoint read(WireReader in, Refs refs) {
                return new RankActor.SaveCheckpoint(in.getString(), in.getLong(), refs.read(in));
            }
        });
        p.register(RankActor.RestoreCheckpoint.class, "cR", new Codec<>() {
            public void write(RankActor.RestoreCheckpoint m, WireWriter out, Refs refs) {
                out.putString(m.dir());
                refs.write(m.replyTo(), out);
            }

            public RankActor.RestoreCheckpoint read(WireReader in, Refs refs) {
                return new RankActor.RestoreCheckpoint(in.getString(), refs.read(in));
            }
        });
    }

    private interface ExchangeWriter<T> {
        void write(T message, WireWriter out);
    }

    private interface ExchangeReader<T> {
        T make(long step, int rank, boolean flag, RowPart part);
    }

    /** The four exchange messages share one layout (see {@link WireSizes}). */
    private static <T> void exchange(Protocol p, Class<T> type, String manifest, ExchangeWriter<T> writer, ExchangeReader<T> reader) {
        p.register(type, manifest, new Codec<T>() {
            public void write(T m, WireWriter out, Refs refs) {
                writer.write(m, out);
            }

            public T read(WireReader in, Refs refs) {
                long step = in.getLong();
                int rank = in.getInt();
                boolean flag = in.getBoolean();
                return reader.make(step, rank, flag, readPart(in));
            }
        });
    }

    private static void writeExchange(WireWriter out, long step, int rank, boolean flag, RowPart part) {
        out.putLong(step).putInt(rank).putBoolean(flag);
        writePart(part, out);
    }
}
