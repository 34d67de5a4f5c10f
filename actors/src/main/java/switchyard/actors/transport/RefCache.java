package switchyard.actors.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import switchyard.actors.wire.WireFormatException;

import java.util.HashMap;
import java.util.Map;

/**
 * Actor references to and from Akka's string format, remembered: one link talks to a handful of
 * actors, and parsing or printing a full actor path for every frame is measurable next to a
 * frame's copy. Strings carry the actor's uid, so a cached entry never points at a newer actor
 * of the same name. Used by one link thread only; bounded by clearing when full.
 */
final class RefCache {
    private static final int MAX = 4096;

    private final ActorRefResolver resolver;
    private final Map<ActorRef<?>, String> formats = new HashMap<>();
    private final Map<String, ActorRef<Object>> refs = new HashMap<>();

    RefCache(ActorRefResolver resolver) {
        this.resolver = resolver;
    }

    String format(ActorRef<?> ref) {
        String s = formats.get(ref);
        if (s == null) {
            if (formats.size() >= MAX) formats.clear();
            s = resolver.toSerializationFormat(ref);
            formats.put(ref, s);
        }
        return s;
    }

    /** The actor {@code text} names; a malformed reference is a {@link WireFormatException}. */
    ActorRef<Object> resolve(String text) {
        ActorRef<Object> ref = refs.get(text);
        if (ref == null) {
            try {
                ref = resolver.resolveActorRef(text);
            } catch (RuntimeException e) { // Akka parses the path itself and throws what it meets
                throw new WireFormatException("bad target actor '" + text + "': " + e.getMessage());
            }
            if (refs.size() >= MAX) refs.clear();
            refs.put(text, ref);
        }
        return ref;
    }
}
