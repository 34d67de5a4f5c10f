package switchyard.actors.protocol;

import switchyard.actors.wire.Codec;
import switchyard.actors.wire.CodecRegistry;
import switchyard.actors.wire.Refs;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireWriter;
import switchyard.math.expert.ExpertGrads;

import java.util.ArrayList;
import java.util.List;

import static switchyard.actors.protocol.ValueCodecs.*;

/** Codecs of what ranks answer the driver. */
final class ReplyCodecs {
    private ReplyCodecs() {}

    static void register(CodecRegistry registry) {
        registry.register(RankReply.StepDone.class, "rD", new Codec<>() {
            public void write(RankReply.StepDone m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank());
                writeReport(m.report(), out);
                writeNullableMatrix(m.gateGradient(), out);
                writeTensors(m.tensors(), out);
                writeGradList(m.sharedGradient(), out);
            }

            public RankReply.StepDone read(WireReader in, Refs refs) {
                return new RankReply.StepDone(in.getLong(), in.getInt(), readReport(in), readNullableMatrix(in), readTensors(in),
                        readGradList(in));
            }
        });
        registry.register(RankReply.StepFailed.class, "rF", new Codec<>() {
            public void write(RankReply.StepFailed m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank());
                writePhase(m.phase(), out);
                out.putInts(m.missing()).putString(m.reason());
            }

            public RankReply.StepFailed read(WireReader in, Refs refs) {
                return new RankReply.StepFailed(in.getLong(), in.getInt(), readPhase(in), in.getInts(), in.getString());
            }
        });
        registry.register(RankReply.Rejected.class, "rR", new Codec<>() {
            public void write(RankReply.Rejected m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank()).putString(m.reason());
            }

            public RankReply.Rejected read(WireReader in, Refs refs) {
                return new RankReply.Rejected(in.getLong(), in.getInt(), in.getString());
            }
        });
        registry.register(RankReply.Updated.class, "rU", new Codec<>() {
            public void write(RankReply.Updated m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putLongs(m.steps());
            }

            public RankReply.Updated read(WireReader in, Refs refs) {
                return new RankReply.Updated(in.getInt(), in.getLongs());
            }
        });
        registry.register(RankReply.ParameterDigest.class, "rP", new Codec<>() {
            public void write(RankReply.ParameterDigest m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putBytes(m.gate()).putInt(m.experts().size());
                for (byte[] d : m.experts()) out.putBytes(d);
                out.putBytes(m.shared());
            }

            public RankReply.ParameterDigest read(WireReader in, Refs refs) {
                int rank = in.getInt();
                byte[] gate = in.getBytes();
                int n = in.getInt("expert count", 0, 1 << 16);
                List<byte[]> experts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) experts.add(in.getBytes());
                return new RankReply.ParameterDigest(rank, gate, experts, in.getBytes());
            }
        });
        registry.register(RankReply.CheckpointSaved.class, "rC", new Codec<>() {
            public void write(RankReply.CheckpointSaved m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putString(m.path());
            }

            public RankReply.CheckpointSaved read(WireReader in, Refs refs) {
                return new RankReply.CheckpointSaved(in.getInt(), in.getString());
            }
        });
        registry.register(RankReply.Restored.class, "rX", new Codec<>() {
            public void write(RankReply.Restored m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putLong(m.updatesDone());
            }

            public RankReply.Restored read(WireReader in, Refs refs) {
                return new RankReply.Restored(in.getInt(), in.getLong());
            }
        });
        registry.register(RankReply.Loaded.class, "rL", new Codec<>() {
            public void write(RankReply.Loaded m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
            }

            public RankReply.Loaded read(WireReader in, Refs refs) {
                return new RankReply.Loaded(in.getInt());
            }
        });
        registry.register(RankReply.Gradients.class, "rG", new Codec<>() {
            public void write(RankReply.Gradients m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank());
                writeGradList(m.experts(), out);
            }

            public RankReply.Gradients read(WireReader in, Refs refs) {
                long step = in.getLong();
                int rank = in.getInt();
                return new RankReply.Gradients(step, rank, readGradList(in));
            }
        });
        registry.register(RankReply.ReplicaGradients.class, "rg", new Codec<>() {
            public void write(RankReply.ReplicaGradients m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putInts(m.slots());
                writeGradList(m.grads(), out);
            }

            public RankReply.ReplicaGradients read(WireReader in, Refs refs) {
                int rank = in.getInt();
                int[] slots = in.getInts();
                List<ExpertGrads> grads = readGradList(in);
                if (slots.length != grads.size())
                    throw new WireFormatException("replica gradients for " + slots.length + " slots carry " + grads.size() + " gradients");
                return new RankReply.ReplicaGradients(rank, slots, grads);
            }
        });
    }
}
