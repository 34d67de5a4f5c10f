package switchyard.bench.crossjvm;

import akka.actor.typed.ActorRef;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.Codec;
import switchyard.actors.wire.CodecRegistry;
import switchyard.actors.wire.CodecSet;
import switchyard.actors.wire.Refs;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireWriter;

import java.util.ArrayList;
import java.util.List;

import static switchyard.actors.protocol.ValueCodecs.readPart;
import static switchyard.actors.protocol.ValueCodecs.writePart;

/** Codecs of the all-to-all benchmark messages. */
public final class BenchCodecs implements CodecSet {
    @Override
    public void registerIn(CodecRegistry registry) {
        registry.register(ExchangePeer.Start.class, "xS", new Codec<>() {
            public void write(ExchangePeer.Start m, WireWriter out, Refs refs) {
                out.putLong(m.id()).putInt(m.peers().size());
                for (ActorRef<?> p : m.peers()) refs.write(p, out);
                out.putInt(m.self()).putLong(m.bytesPerPair());
                m.exchange().writeTo(out);
                refs.write(m.replyTo(), out);
            }

            public ExchangePeer.Start read(WireReader in, Refs refs) {
                long id = in.getLong();
                int n = in.getInt("peer count", 0, 1 << 16);
                List<ActorRef<ExchangePeer.Command>> peers = new ArrayList<>(n);
                for (int i = 0; i < n; i++) peers.add(refs.read(in));
                return new ExchangePeer.Start(id, peers, in.getInt(), in.getLong(), ExchangeSettings.readFrom(in), refs.read(in));
            }
        });
        registry.register(ExchangePeer.Part.class, "xP", new Codec<>() {
            public void write(ExchangePeer.Part m, WireWriter out, Refs refs) {
                out.putLong(m.id()).putInt(m.from()).putByte(m.part().encoding().ordinal());
                writePart(m.part(), out);
            }

            public ExchangePeer.Part read(WireReader in, Refs refs) {
                long id = in.getLong();
                int from = in.getInt();
                int encoding = in.getByte();
                if (encoding < 0 || encoding >= RowEncoding.values().length) throw new WireFormatException("unknown row encoding " + encoding);
                return new ExchangePeer.Part(id, from, readPart(in, RowEncoding.values()[encoding]));
            }
        });
        registry.register(ExchangePeer.Ack.class, "xA", new Codec<>() {
            public void write(ExchangePeer.Ack m, WireWriter out, Refs refs) {
                out.putInt(m.from());
            }

            public ExchangePeer.Ack read(WireReader in, Refs refs) {
                return new ExchangePeer.Ack(in.getInt());
            }
        });
        registry.register(ExchangePeer.Done.class, "xD", new Codec<>() {
            public void write(ExchangePeer.Done m, WireWriter out, Refs refs) {
                out.putLong(m.id()).putInt(m.peer()).putLong(m.bytesReceived()).putLong(m.nanos());
            }

            public ExchangePeer.Done read(WireReader in, Refs refs) {
                return new ExchangePeer.Done(in.getLong(), in.getInt(), in.getLong(), in.getLong());
            }
        });
    }
}
