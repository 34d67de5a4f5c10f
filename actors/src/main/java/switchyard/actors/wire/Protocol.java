package switchyard.actors.wire;

import akka.actor.typed.ActorRef;
import switchyard.actors.bench.ExchangePeer;
import switchyard.actors.cluster.RankHost;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.rank.RankActor;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RowPart;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static switchyard.actors.wire.ValueCodecs.*;

/**
 * The manifest and codec of every message that crosses nodes. Manifests are short, stable strings:
 * renaming a class does not change the format, and an unknown manifest is refused.
 */
public final class Protocol {
    private final Map<Class<?>, String> manifests = new HashMap<>();
    private final Map<String, Codec<?>> codecs = new HashMap<>();

    public Protocol() {
        register(RankActor.Topology.class, "T", new Codec<>() {
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
        register(RankActor.RunStep.class, "S", new Codec<>() {
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
        registerExchange(RankActor.Dispatch.class, "D", (m, out) -> exchange(out, m.step(), m.source(), m.backward(), m.part()),
                (step, rank, flag, part) -> new RankActor.Dispatch(step, rank, flag, part));
        registerExchange(RankActor.ExpertOutput.class, "O", (m, out) -> exchange(out, m.step(), m.owner(), false, m.part()),
                (step, rank, flag, part) -> new RankActor.ExpertOutput(step, rank, part));
        registerExchange(RankActor.OutputGradient.class, "G", (m, out) -> exchange(out, m.step(), m.source(), false, m.part()),
                (step, rank, flag, part) -> new RankActor.OutputGradient(step, rank, part));
        registerExchange(RankActor.InputGradient.class, "I", (m, out) -> exchange(out, m.step(), m.owner(), false, m.part()),
                (step, rank, flag, part) -> new RankActor.InputGradient(step, rank, part));
        register(RankActor.ChunkAck.class, "K", new Codec<>() {
            public void write(RankActor.ChunkAck m, WireWriter out, Refs refs) {
                out.putInt(m.from());
            }

            public RankActor.ChunkAck read(WireReader in, Refs refs) {
                return new RankActor.ChunkAck(in.getInt());
            }
        });
        register(RankActor.ApplyUpdate.class, "U", new Codec<>() {
            public void write(RankActor.ApplyUpdate m, WireWriter out, Refs refs) {
                out.putLongs(m.steps()).putMatrix(m.gateGradient());
                refs.write(m.replyTo(), out);
            }

            public RankActor.ApplyUpdate read(WireReader in, Refs refs) {
                return new RankActor.ApplyUpdate(in.getLongs(), in.getMatrix(), refs.read(in));
            }
        });
        register(RankActor.AbortStep.class, "A", new Codec<>() {
            public void write(RankActor.AbortStep m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putString(m.reason());
            }

            public RankActor.AbortStep read(WireReader in, Refs refs) {
                return new RankActor.AbortStep(in.getLong(), in.getString());
            }
        });
        register(RankActor.ReportDigest.class, "R", new Codec<>() {
            public void write(RankActor.ReportDigest m, WireWriter out, Refs refs) {
                refs.write(m.replyTo(), out);
            }

            public RankActor.ReportDigest read(WireReader in, Refs refs) {
                return new RankActor.ReportDigest(refs.read(in));
            }
        });
        register(RankActor.InspectGradients.class, "N", new Codec<>() {
            public void write(RankActor.InspectGradients m, WireWriter out, Refs refs) {
                out.putLong(m.step());
                refs.write(m.replyTo(), out);
            }

            public RankActor.InspectGradients read(WireReader in, Refs refs) {
                return new RankActor.InspectGradients(in.getLong(), refs.read(in));
            }
        });
        register(RankActor.LoadParameters.class, "L", new Codec<>() {
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
        register(RankActor.SaveCheckpoint.class, "cS", new Codec<>() {
            public void write(RankActor.SaveCheckpoint m, WireWriter out, Refs refs) {
                out.putString(m.dir()).putLong(m.updatesDone());
                refs.write(m.replyTo(), out);
            }

            public RankActor.SaveCheckpoint read(WireReader in, Refs refs) {
                return new RankActor.SaveCheckpoint(in.getString(), in.getLong(), refs.read(in));
            }
        });
        register(RankActor.RestoreCheckpoint.class, "cR", new Codec<>() {
            public void write(RankActor.RestoreCheckpoint m, WireWriter out, Refs refs) {
                out.putString(m.dir());
                refs.write(m.replyTo(), out);
            }

            public RankActor.RestoreCheckpoint read(WireReader in, Refs refs) {
                return new RankActor.RestoreCheckpoint(in.getString(), refs.read(in));
            }
        });
        registerReplies();
        registerHosts();
        registerBench();
    }

    private void registerHosts() {
        register(RankHost.Configure.class, "hC", new Codec<>() {
            public void write(RankHost.Configure m, WireWriter out, Refs refs) {
                writeSettings(m.settings(), out);
                refs.write(m.replyTo(), out);
            }

            public RankHost.Configure read(WireReader in, Refs refs) {
                return new RankHost.Configure(readSettings(in), refs.read(in));
            }
        });
        register(RankHost.Ping.class, "hP", new Codec<>() {
            public void write(RankHost.Ping m, WireWriter out, Refs refs) {
                refs.write(m.replyTo(), out);
            }

            public RankHost.Ping read(WireReader in, Refs refs) {
                return new RankHost.Ping(refs.read(in));
            }
        });
        register(RankHost.Shutdown.class, "hS", new Codec<>() {
            public void write(RankHost.Shutdown m, WireWriter out, Refs refs) {
                out.putString(m.reason());
            }

            public RankHost.Shutdown read(WireReader in, Refs refs) {
                return new RankHost.Shutdown(in.getString());
            }
        });
        register(RankHost.HostReply.Configured.class, "hc", new Codec<>() {
            public void write(RankHost.HostReply.Configured m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
                refs.write(m.rankActor(), out);
            }

            public RankHost.HostReply.Configured read(WireReader in, Refs refs) {
                return new RankHost.HostReply.Configured(in.getInt(), refs.read(in));
            }
        });
        register(RankHost.HostReply.Refused.class, "hr", new Codec<>() {
            public void write(RankHost.HostReply.Refused m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putString(m.reason());
            }

            public RankHost.HostReply.Refused read(WireReader in, Refs refs) {
                return new RankHost.HostReply.Refused(in.getInt(), in.getString());
            }
        });
        register(RankHost.HostReply.Pong.class, "hp", new Codec<>() {
            public void write(RankHost.HostReply.Pong m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
            }

            public RankHost.HostReply.Pong read(WireReader in, Refs refs) {
                return new RankHost.HostReply.Pong(in.getInt());
            }
        });
    }

    private void registerReplies() {
        register(RankReply.StepDone.class, "rD", new Codec<>() {
            public void write(RankReply.StepDone m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank());
                writeReport(m.report(), out);
                writeNullableMatrix(m.gateGradient(), out);
                writeTensors(m.tensors(), out);
            }

            public RankReply.StepDone read(WireReader in, Refs refs) {
                return new RankReply.StepDone(in.getLong(), in.getInt(), readReport(in), readNullableMatrix(in), readTensors(in));
            }
        });
        register(RankReply.StepFailed.class, "rF", new Codec<>() {
            public void write(RankReply.StepFailed m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank());
                writePhase(m.phase(), out);
                out.putInts(m.missing()).putString(m.reason());
            }

            public RankReply.StepFailed read(WireReader in, Refs refs) {
                return new RankReply.StepFailed(in.getLong(), in.getInt(), readPhase(in), in.getInts(), in.getString());
            }
        });
        register(RankReply.Rejected.class, "rR", new Codec<>() {
            public void write(RankReply.Rejected m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank()).putString(m.reason());
            }

            public RankReply.Rejected read(WireReader in, Refs refs) {
                return new RankReply.Rejected(in.getLong(), in.getInt(), in.getString());
            }
        });
        register(RankReply.Updated.class, "rU", new Codec<>() {
            public void write(RankReply.Updated m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putLongs(m.steps());
            }

            public RankReply.Updated read(WireReader in, Refs refs) {
                return new RankReply.Updated(in.getInt(), in.getLongs());
            }
        });
        register(RankReply.ParameterDigest.class, "rP", new Codec<>() {
            public void write(RankReply.ParameterDigest m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putBytes(m.gate()).putInt(m.experts().size());
                for (byte[] d : m.experts()) out.putBytes(d);
            }

            public RankReply.ParameterDigest read(WireReader in, Refs refs) {
                int rank = in.getInt();
                byte[] gate = in.getBytes();
                int n = in.getInt("expert count", 0, 1 << 16);
                List<byte[]> experts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) experts.add(in.getBytes());
                return new RankReply.ParameterDigest(rank, gate, experts);
            }
        });
        register(RankReply.CheckpointSaved.class, "rC", new Codec<>() {
            public void write(RankReply.CheckpointSaved m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putString(m.path());
            }

            public RankReply.CheckpointSaved read(WireReader in, Refs refs) {
                return new RankReply.CheckpointSaved(in.getInt(), in.getString());
            }
        });
        register(RankReply.Restored.class, "rX", new Codec<>() {
            public void write(RankReply.Restored m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putLong(m.updatesDone());
            }

            public RankReply.Restored read(WireReader in, Refs refs) {
                return new RankReply.Restored(in.getInt(), in.getLong());
            }
        });
        register(RankReply.Loaded.class, "rL", new Codec<>() {
            public void write(RankReply.Loaded m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
            }

            public RankReply.Loaded read(WireReader in, Refs refs) {
                return new RankReply.Loaded(in.getInt());
            }
        });
        register(RankReply.Gradients.class, "rG", new Codec<>() {
            public void write(RankReply.Gradients m, WireWriter out, Refs refs) {
                out.putLong(m.step()).putInt(m.rank()).putInt(m.experts().size());
                for (ExpertGrads g : m.experts()) writeGrads(g, out);
            }

            public RankReply.Gradients read(WireReader in, Refs refs) {
                long step = in.getLong();
                int rank = in.getInt();
                int n = in.getInt("expert count", 0, 1 << 16);
                List<ExpertGrads> grads = new ArrayList<>(n);
                for (int i = 0; i < n; i++) grads.add(readGrads(in));
                return new RankReply.Gradients(step, rank, grads);
            }
        });
    }

    private void registerBench() {
        register(ExchangePeer.Start.class, "xS", new Codec<>() {
            public void write(ExchangePeer.Start m, WireWriter out, Refs refs) {
                out.putLong(m.id()).putInt(m.peers().size());
                for (ActorRef<?> p : m.peers()) refs.write(p, out);
                out.putInt(m.self()).putLong(m.bytesPerPair()).putLong(m.chunkBytes()).putInt(m.window());
                refs.write(m.replyTo(), out);
            }

            public ExchangePeer.Start read(WireReader in, Refs refs) {
                long id = in.getLong();
                int n = in.getInt("peer count", 0, 1 << 16);
                List<ActorRef<ExchangePeer.Command>> peers = new ArrayList<>(n);
                for (int i = 0; i < n; i++) peers.add(refs.read(in));
                return new ExchangePeer.Start(id, peers, in.getInt(), in.getLong(), in.getLong(), in.getInt(), refs.read(in));
            }
        });
        register(ExchangePeer.Part.class, "xP", new Codec<>() {
            public void write(ExchangePeer.Part m, WireWriter out, Refs refs) {
                out.putLong(m.id()).putInt(m.from());
                writePart(m.part(), out);
            }

            public ExchangePeer.Part read(WireReader in, Refs refs) {
                return new ExchangePeer.Part(in.getLong(), in.getInt(), readPart(in));
            }
        });
        register(ExchangePeer.Ack.class, "xA", new Codec<>() {
            public void write(ExchangePeer.Ack m, WireWriter out, Refs refs) {
                out.putInt(m.from());
            }

            public ExchangePeer.Ack read(WireReader in, Refs refs) {
                return new ExchangePeer.Ack(in.getInt());
            }
        });
        register(ExchangePeer.Done.class, "xD", new Codec<>() {
            public void write(ExchangePeer.Done m, WireWriter out, Refs refs) {
                out.putLong(m.id()).putInt(m.peer()).putLong(m.bytesReceived());
            }

            public ExchangePeer.Done read(WireReader in, Refs refs) {
                return new ExchangePeer.Done(in.getLong(), in.getInt(), in.getLong());
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
    private <T> void registerExchange(Class<T> type, String manifest, ExchangeWriter<T> writer, ExchangeReader<T> reader) {
        register(type, manifest, new Codec<T>() {
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

    private static void exchange(WireWriter out, long step, int rank, boolean flag, RowPart part) {
        out.putLong(step).putInt(rank).putBoolean(flag);
        writePart(part, out);
    }

    /** Adds a message type; used by the cluster layer for its own messages too. */
    public <T> void register(Class<T> type, String manifest, Codec<T> codec) {
        if (codecs.containsKey(manifest)) throw new IllegalStateException("manifest '" + manifest + "' registered twice");
        manifests.put(type, manifest);
        codecs.put(manifest, codec);
    }

    public String manifestOf(Object message) {
        String m = manifests.get(message.getClass());
        if (m == null) throw new IllegalArgumentException("no wire format for " + message.getClass().getName());
        return m;
    }

    @SuppressWarnings("unchecked")
    public void write(Object message, WireWriter out, Refs refs) {
        ((Codec<Object>) codecs.get(manifestOf(message))).write(message, out, refs);
    }

    public Object read(String manifest, WireReader in, Refs refs) {
        Codec<?> codec = codecs.get(manifest);
        if (codec == null) throw new WireFormatException("unknown manifest '" + manifest + "'");
        Object message = codec.read(in, refs);
        in.end(manifest);
        return message;
    }
}
