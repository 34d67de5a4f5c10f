package switchyard.actors.protocol;

import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.wire.Codec;
import switchyard.actors.wire.CodecRegistry;
import switchyard.actors.wire.Refs;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireWriter;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.placement.Placement;

import java.util.ArrayList;
import java.util.List;

import static switchyard.actors.protocol.ValueCodecs.readBatch;
import static switchyard.actors.protocol.ValueCodecs.readExperts;
import static switchyard.actors.protocol.ValueCodecs.readGradList;
import static switchyard.actors.protocol.ValueCodecs.readNullablePlacement;
import static switchyard.actors.protocol.ValueCodecs.readOptimizerState;
import static switchyard.actors.protocol.ValueCodecs.readPart;
import static switchyard.actors.protocol.ValueCodecs.writeBatch;
import static switchyard.actors.protocol.ValueCodecs.writeExperts;
import static switchyard.actors.protocol.ValueCodecs.writeGradList;
import static switchyard.actors.protocol.ValueCodecs.writeNullablePlacement;
import static switchyard.actors.protocol.ValueCodecs.writeOptimizerState;
import static switchyard.actors.protocol.ValueCodecs.writePart;

/** Codecs of the {@link RankMessage}s. */
final class RankMessageCodecs {
    private RankMessageCodecs() {}

    /** Bit 0 of an exchange part's flags byte: a dispatch whose step has a backward pass; bits 1-2: the exchange. */
    private static final int BACKWARD = 1;
    /** In the flags byte of an exchange part: its rows are bfloat16 (2 bytes a value), not float32. */
    private static final int BF16_ROWS = 0x40;

    static void register(CodecRegistry registry) {
        registry.register(RankMessage.Roster.class, "T", new Codec<>() {
            public void write(RankMessage.Roster m, WireWriter out, Refs refs) {
                out.putInt(m.ranks().size());
                for (ActorRef<?> r : m.ranks()) refs.write(r, out);
                refs.write(m.driver(), out);
            }

            public RankMessage.Roster read(WireReader in, Refs refs) {
                int n = in.getInt("rank count", 0, 1 << 16);
                List<ActorRef<RankMessage>> ranks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) ranks.add(refs.read(in));
                return new RankMessage.Roster(ranks, refs.read(in));
            }
        });
        registry.register(RankMessage.RunStep.class, "S", new Codec<>() {
            public void write(RankMessage.RunStep m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putBoolean(m.training()).putBoolean(m.returnTensors());
                writeBatch(m.batch(), out);
                refs.write(m.replyTo(), out);
            }

            public RankMessage.RunStep read(WireReader in, Refs refs) {
                long step = in.getLong();
                boolean training = in.getBoolean(), tensors = in.getBoolean();
                return new RankMessage.RunStep(step, readBatch(in), training, tensors, refs.read(in));
            }
        });
        registry.register(ExchangePart.class, "X", new Codec<>() {
            public void write(ExchangePart m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.from()).putByte(m.exchange().ordinal() << 1 | (m.backward() ? BACKWARD : 0)
                        | (m.part().encoding() == RowEncoding.BF16 ? BF16_ROWS : 0));
                writePart(m.part(), out);
            }

            public ExchangePart read(WireReader in, Refs refs) {
                long step = in.getLong();
                int from = in.getInt();
                int flags = in.getByte() & 0xFF;
                int exchange = (flags & ~BF16_ROWS) >>> 1;
                if (exchange >= Exchange.values().length) throw new WireFormatException("unknown exchange " + exchange);
                try {
                    return new ExchangePart(Exchange.values()[exchange], step, from, (flags & BACKWARD) != 0,
                            readPart(in, (flags & BF16_ROWS) != 0 ? RowEncoding.BF16 : RowEncoding.FP32));
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException("bad exchange part: " + e.getMessage());
                }
            }
        });
        registry.register(RankMessage.PartAck.class, "K", new Codec<>() {
            public void write(RankMessage.PartAck m, WireWriter out, Refs refs) {
                out.putInt(m.from());
            }

            public RankMessage.PartAck read(WireReader in, Refs refs) {
                return new RankMessage.PartAck(in.getInt());
            }
        });
        registry.register(RankMessage.ApplyUpdate.class, "U", new Codec<>() {
            public void write(RankMessage.ApplyUpdate m, WireWriter out, Refs refs) {
                out.putLongs(m.steps()).putMatrix(m.gateGradient());
                writeGradList(m.sharedGradient(), out);
                out.putBoolean(m.expertLoads() != null);
                if (m.expertLoads() != null) out.putLongs(m.expertLoads());
                writeGradList(m.replicaGradients(), out);
                writeNullablePlacement(m.next(), out);
                refs.write(m.replyTo(), out);
            }

            public RankMessage.ApplyUpdate read(WireReader in, Refs refs) {
                long[] steps = in.getLongs();
                FMatrixRMaj gate = in.getMatrix();
                List<ExpertGrads> shared = readGradList(in);
                long[] loads = in.getBoolean() ? in.getLongs() : null;
                List<ExpertGrads> replicas = readGradList(in);
                Placement next = readNullablePlacement(in);
                return new RankMessage.ApplyUpdate(steps, gate, shared, loads, replicas, next, refs.read(in));
            }
        });
        registry.register(RankMessage.ExpertMove.class, "M", new Codec<>() {
            public void write(RankMessage.ExpertMove m, WireWriter out, Refs refs) {
                out.putLong(m.update()).putInt(m.from()).putInt(m.slot()).putInt(m.expert());
                writeExperts(List.of(m.weights()), out);
                writeOptimizerState(m.state(), out);
            }

            public RankMessage.ExpertMove read(WireReader in, Refs refs) {
                long update = in.getLong();
                int from = in.getInt(), slot = in.getInt(), expert = in.getInt();
                List<Expert> weights = readExperts(in);
                if (weights.size() != 1) throw new WireFormatException("an expert move carries " + weights.size() + " experts");
                return new RankMessage.ExpertMove(update, from, slot, expert, weights.get(0), readOptimizerState(in));
            }
        });
        registry.register(RankMessage.ReportReplicaGradients.class, "G", new Codec<>() {
            public void write(RankMessage.ReportReplicaGradients m, WireWriter out, Refs refs) {
                out.putLongs(m.steps());
                refs.write(m.replyTo(), out);
            }

            public RankMessage.ReportReplicaGradients read(WireReader in, Refs refs) {
                return new RankMessage.ReportReplicaGradients(in.getLongs(), refs.read(in));
            }
        });
        registry.register(RankMessage.AbortStep.class, "A", new Codec<>() {
            public void write(RankMessage.AbortStep m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putString(m.reason());
            }

            public RankMessage.AbortStep read(WireReader in, Refs refs) {
                return new RankMessage.AbortStep(in.getLong(), in.getString());
            }
        });
        registry.register(RankMessage.ReportDigest.class, "R", new Codec<>() {
            public void write(RankMessage.ReportDigest m, WireWriter out, Refs refs) {
                refs.write(m.replyTo(), out);
            }

            public RankMessage.ReportDigest read(WireReader in, Refs refs) {
                return new RankMessage.ReportDigest(refs.read(in));
            }
        });
        registry.register(RankMessage.InspectGradients.class, "N", new Codec<>() {
            public void write(RankMessage.InspectGradients m, WireWriter out, Refs refs) {
                out.putLong(m.step());
                refs.write(m.replyTo(), out);
            }

            public RankMessage.InspectGradients read(WireReader in, Refs refs) {
                return new RankMessage.InspectGradients(in.getLong(), refs.read(in));
            }
        });
        registry.register(RankMessage.LoadParameters.class, "L", new Codec<>() {
            public void write(RankMessage.LoadParameters m, WireWriter out, Refs refs) {
                out.putMatrix(m.gateWeight());
                writeExperts(m.experts(), out);
                writeExperts(m.shared(), out);
                out.putBoolean(m.selectionBias() != null);
                if (m.selectionBias() != null) out.putFloats(m.selectionBias());
                refs.write(m.replyTo(), out);
            }

            public RankMessage.LoadParameters read(WireReader in, Refs refs) {
                FMatrixRMaj gate = in.getMatrix();
                List<Expert> experts = readExperts(in);
                List<Expert> shared = readExperts(in);
                float[] bias = in.getBoolean() ? in.getFloats() : null;
                return new RankMessage.LoadParameters(gate, experts, shared, bias, refs.read(in));
            }
        });
        registry.register(RankMessage.SaveCheckpoint.class, "cS", new Codec<>() {
            public void write(RankMessage.SaveCheckpoint m, WireWriter out, Refs refs) {
                out.putString(m.dir()).putLong(m.updatesDone());
                refs.write(m.replyTo(), out);
            }

            public RankMessage.SaveCheckpoint read(WireReader in, Refs refs) {
                return new RankMessage.SaveCheckpoint(in.getString(), in.getLong(), refs.read(in));
            }
        });
        registry.register(RankMessage.RestoreCheckpoint.class, "cR", new Codec<>() {
            public void write(RankMessage.RestoreCheckpoint m, WireWriter out, Refs refs) {
                out.putString(m.dir());
                writeNullablePlacement(m.placement(), out);
                refs.write(m.replyTo(), out);
            }

            public RankMessage.RestoreCheckpoint read(WireReader in, Refs refs) {
                String dir = in.getString();
                Placement placement = readNullablePlacement(in);
                return new RankMessage.RestoreCheckpoint(dir, placement, refs.read(in));
            }
        });
    }
}
