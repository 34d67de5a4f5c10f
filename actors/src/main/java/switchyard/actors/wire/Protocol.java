package switchyard.actors.wire;


import java.util.HashMap;
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
        RankCodecs.register(this);
        ReplyCodecs.register(this);
        HostCodecs.register(this);
        BenchCodecs.register(this);
        TransportCodecs.register(this);
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
