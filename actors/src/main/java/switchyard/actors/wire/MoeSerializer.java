package switchyard.actors.wire;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.SerializerWithStringManifest;

import java.nio.ByteBuffer;

/**
 * Switchyard's one serializer, bound to {@link WireMessage} in {@code reference.conf}. Float payloads
 * are raw little-endian arrays written straight into Artery's buffer; no Java serialization, no
 * reflection. Decoding is strict: anything malformed is a {@link WireFormatException} naming what
 * was wrong, and no length is trusted before it is checked against the bytes present and
 * {@code switchyard.wire.max-elements}.
 */
public final class MoeSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
    /** Stable and outside Akka's reserved 0–40. */
    public static final int IDENTIFIER = 0x5717A4D;

    private final Protocol protocol = new Protocol();
    private final Refs refs;
    private final int maxElements;

    public MoeSerializer(ExtendedActorSystem system) {
        this.refs = new Refs(Adapter.toTyped(system));
        this.maxElements = system.settings().config().getInt("switchyard.wire.max-elements");
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return protocol.manifestOf(o);
    }

    @Override
    public byte[] toBinary(Object o) {
        WireWriter out = new WireWriter(256);
        protocol.write(o, out, refs);
        return out.toByteArray();
    }

    @Override
    public void toBinary(Object o, ByteBuffer buf) {
        protocol.write(o, new WireWriter(buf), refs);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) {
        return fromBinary(ByteBuffer.wrap(bytes), manifest);
    }

    @Override
    public Object fromBinary(ByteBuffer buf, String manifest) {
        return fromBinary(buf, manifest, FloatArrays.NEW);
    }

    /** Decodes with the rows of exchange parts in arrays from {@code rowArrays} (the data plane's reused ones). */
    public Object fromBinary(ByteBuffer buf, String manifest, FloatArrays rowArrays) {
        return protocol.read(manifest, new WireReader(buf, maxElements, rowArrays), refs);
    }
}
