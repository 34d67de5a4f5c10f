package switchyard.actors.wire;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;

/**
 * ActorRefs on the wire, as Akka's serialization format strings. The resolver is looked up
 * lazily: serializers are built while the actor system starts, before it can be asked.
 */
public final class Refs {
    private final ActorSystem<?> system;
    private volatile ActorRefResolver resolver;

    public Refs(ActorSystem<?> system) {
        this.system = system;
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) resolver = r = ActorRefResolver.get(system);
        return r;
    }

    public void write(ActorRef<?> ref, WireWriter out) {
        out.putString(resolver().toSerializationFormat(ref));
    }

    public <T> ActorRef<T> read(WireReader in) {
        String text = in.getString();
        try {
            return resolver().resolveActorRef(text);
        } catch (RuntimeException e) { // Akka parses the path and uid itself and throws what it meets
            throw new WireFormatException("bad actor reference '" + text + "': " + e.getMessage());
        }
    }
}
