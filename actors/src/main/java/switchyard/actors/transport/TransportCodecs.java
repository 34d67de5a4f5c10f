package switchyard.actors.transport;

import switchyard.actors.wire.Codec;
import switchyard.actors.wire.CodecRegistry;
import switchyard.actors.wire.CodecSet;
import switchyard.actors.wire.Refs;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireWriter;

/** Codecs of the data plane's own (Akka) messages: where a node's data plane listens. */
public final class TransportCodecs implements CodecSet {
    @Override
    public void registerIn(CodecRegistry registry) {
        registry.register(DataPlaneLocator.Locate.class, "pL", new Codec<>() {
            public void write(DataPlaneLocator.Locate m, WireWriter out, Refs refs) {
                refs.write(m.replyTo(), out);
            }

            public DataPlaneLocator.Locate read(WireReader in, Refs refs) {
                return new DataPlaneLocator.Locate(refs.read(in));
            }
        });
        registry.register(DataPlaneLocator.Located.class, "pl", new Codec<>() {
            public void write(DataPlaneLocator.Located m, WireWriter out, Refs refs) {
                out.putInt(m.port());
            }

            public DataPlaneLocator.Located read(WireReader in, Refs refs) {
                return new DataPlaneLocator.Located(in.getInt("data-plane port", 1, 65535));
            }
        });
    }
}
