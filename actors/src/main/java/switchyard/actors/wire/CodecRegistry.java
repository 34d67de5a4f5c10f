package switchyard.actors.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * The manifest and codec of every message that may cross nodes. Each package that owns messages
 * fills it through its own {@link CodecSet}; the serializer builds one from the sets listed in
 * {@code switchyard.wire.codec-sets}. Manifests are short, stable strings: renaming a class does
 * not change the format, and an unknown manifest is refused.
 */
public final class CodecRegistry {
    private final Map<Class<?>, String> manifests = new HashMap<>();
    private final Map<String, Codec<?>> codecs = new HashMap<>();

    /** A registry holding {@code sets}' codecs. */
    public static CodecRegistry of(Iterable<? extends CodecSet> sets) {
        CodecRegistry registry = new CodecRegistry();
        for (CodecSet set : sets) set.registerIn(registry);
        return registry;
    }

    /** Adds a message type; a manifest may be taken only once. */
    public <T> void register(Class<T> type, String manifest, Codec<T> codec) {
        if (codecs.containsKey(manifest)) throw new IllegalStateException("manifest '" + manifest + "' registered twice");
        if (manifests.containsKey(type)) throw new IllegalStateException(type.getName() + " registered twice");
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
