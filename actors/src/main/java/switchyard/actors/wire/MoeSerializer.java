package switchyard.actors.wire;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.SerializerWithStringManifest;

import com.typesafe.config.Config;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

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

    private final CodecRegistry registry;
    private final Refs refs;
    private final int maxElements;

    public MoeSerializer(ExtendedActorSystem system) {
        Config config = system.settings().config();
        this.registry = CodecRegistry.of(codecSets(config, system.dynamicAccess().classLoader()));
        this.refs = new Refs(Adapter.toTyped(system));
        this.maxElements = config.getInt("switchyard.wire.max-elements");
    }

    /**
     * The {@link CodecSet}s named under {@code switchyard.wire.codec-sets} (an object, so that each
     * module's configuration adds its own entry), in the order of their keys.
     */
    static List<CodecSet> codecSets(Config config, ClassLoader loader) {
        Config sets = config.getConfig("switchyard.wire.codec-sets");
        List<CodecSet> out = new ArrayList<>();
        for (String key : new TreeMap<>(sets.root().unwrapped()).keySet()) {
            String name = sets.getString(key);
            try {
                out.add((CodecSet) Class.forName(name, true, loader).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("switchyard.wire.codec-sets." + key + " = " + name
                        + " is not a CodecSet with a public no-argument constructor: " + e, e);
            }
        }
        return out;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return registry.manifestOf(o);
    }

    @Override
    public byte[] toBinary(Object o) {
        WireWriter out = new WireWriter(256);
        registry.write(o, out, refs);
        return out.toByteArray();
    }

    @Override
    public void toBinary(Object o, ByteBuffer buf) {
        registry.write(o, new WireWriter(buf), refs);
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
        return registry.read(manifest, new WireReader(buf, maxElements, rowArrays), refs);
    }
}
