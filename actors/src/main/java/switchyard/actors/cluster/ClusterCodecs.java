package switchyard.actors.cluster;

import akka.actor.typed.ActorRef;
import switchyard.actors.wire.Codec;
import switchyard.actors.wire.CodecRegistry;
import switchyard.actors.wire.CodecSet;
import switchyard.actors.wire.Refs;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireVersion;
import switchyard.actors.wire.WireWriter;

/** Codecs of the rank-slot messages (cluster set-up) and the job settings they carry. */
public final class ClusterCodecs implements CodecSet {
    @Override
    public void registerIn(CodecRegistry registry) {
        registry.register(RankHost.Configure.class, "hC", new Codec<>() {
            public void write(RankHost.Configure m, WireWriter out, Refs refs) {
                // version and reply address first: a node of any other version reads these two and refuses
                out.putInt(m.wireVersion());
                refs.write(m.replyTo(), out);
                if (m.settings() == null) return;
                out.putLong(m.heapPerRank()).putBoolean(m.adopt());
                SettingsCodec.write(m.settings(), out);
            }

            public RankHost.Configure read(WireReader in, Refs refs) {
                int version = in.getInt();
                ActorRef<RankHost.HostReply> replyTo = refs.read(in);
                if (version != WireVersion.CURRENT) {
                    in.skipRest(); // another version's settings: the slot refuses them unread
                    return new RankHost.Configure(version, null, 0, false, replyTo);
                }
                long heapPerRank = in.getLong();
                boolean adopt = in.getBoolean();
                return new RankHost.Configure(version, SettingsCodec.read(in), heapPerRank, adopt, replyTo);
            }
        });
        registry.register(RankHost.Release.class, "hR", new Codec<>() {
            public void write(RankHost.Release m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
            }

            public RankHost.Release read(WireReader in, Refs refs) {
                return new RankHost.Release(in.getInt());
            }
        });
        registry.register(RankHost.Ping.class, "hP", new Codec<>() {
            public void write(RankHost.Ping m, WireWriter out, Refs refs) {
                refs.write(m.replyTo(), out);
            }

            public RankHost.Ping read(WireReader in, Refs refs) {
                return new RankHost.Ping(refs.read(in));
            }
        });
        registry.register(RankHost.Shutdown.class, "hS", new Codec<>() {
            public void write(RankHost.Shutdown m, WireWriter out, Refs refs) {
                out.putString(m.reason());
            }

            public RankHost.Shutdown read(WireReader in, Refs refs) {
                return new RankHost.Shutdown(in.getString());
            }
        });
        registry.register(RankHost.HostReply.Configured.class, "hc", new Codec<>() {
            public void write(RankHost.HostReply.Configured m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
                refs.write(m.rankActor(), out);
            }

            public RankHost.HostReply.Configured read(WireReader in, Refs refs) {
                return new RankHost.HostReply.Configured(in.getInt(), refs.read(in));
            }
        });
        registry.register(RankHost.HostReply.Refused.class, "hr", new Codec<>() {
            public void write(RankHost.HostReply.Refused m, WireWriter out, Refs refs) {
                out.putInt(m.rank()).putString(m.reason());
            }

            public RankHost.HostReply.Refused read(WireReader in, Refs refs) {
                return new RankHost.HostReply.Refused(in.getInt(), in.getString());
            }
        });
        registry.register(RankHost.HostReply.Pong.class, "hp", new Codec<>() {
            public void write(RankHost.HostReply.Pong m, WireWriter out, Refs refs) {
                out.putInt(m.rank());
            }

            public RankHost.HostReply.Pong read(WireReader in, Refs refs) {
                return new RankHost.HostReply.Pong(in.getInt());
            }
        });
    }
}
