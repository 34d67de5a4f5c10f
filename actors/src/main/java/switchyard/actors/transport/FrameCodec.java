package switchyard.actors.transport;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import switchyard.actors.wire.FloatArrays;
import switchyard.actors.wire.MoeSerializer;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireWriter;

import java.nio.ByteBuffer;

/**
 * Messages to and from data-plane frames: the project's serializer writes the payload straight
 * into the (direct) frame buffer and reads it straight back from the received one, the target is
 * an actor reference in Akka's own string format.
 */
final class FrameCodec {
    /** A decoded message frame: who gets what. */
    record Delivery(ActorRef<Object> to, Object message) {}

    private final MoeSerializer serializer;
    private final ActorRefResolver resolver;
    private final FloatArrays rowArrays;
    private final Deliveries deliveries;
    private final akka.actor.Address self;

    FrameCodec(ActorSystem<?> system, FloatArrays rowArrays) {
        this.serializer = new MoeSerializer((ExtendedActorSystem) Adapter.toClassic(system));
        this.resolver = ActorRefResolver.get(system);
        this.rowArrays = rowArrays;
        this.deliveries = Deliveries.from(system.settings().config());
        this.self = system.address();
    }

    /** A cache of actor references for one link's thread. */
    RefCache refCache() {
        return new RefCache(resolver);
    }

    /**
     * Appends the frame of {@code message} for {@code to} at the buffer's position and returns its
     * size; a buffer too small is a {@link java.nio.BufferOverflowException} (the caller grows it).
     */
    int encode(ActorRef<?> to, Object message, ByteBuffer buf, RefCache refs) {
        int start = FrameFormat.begin(buf);
        FrameFormat.writeHeader(new WireWriter(buf), new FrameFormat.Header(refs.format(to), serializer.manifest(message)));
        serializer.toBinary(message, buf);
        return FrameFormat.end(buf, start);
    }

    /**
     * A message frame's body back to its target and message. Malformed bytes, and a message the
     * data plane does not carry ({@link Deliveries}: refused before its payload is read), are a
     * {@link WireFormatException}.
     */
    Delivery decode(ByteBuffer body, RefCache refs) {
        FrameFormat.Header header = FrameFormat.readHeader(body);
        ActorRef<Object> to = refs.resolve(header.target());
        String refusal = deliveries.refusal(to.path(), header.manifest(), self);
        if (refusal != null) throw new WireFormatException(refusal);
        Object message = serializer.fromBinary(body, header.manifest(), rowArrays);
        return new Delivery(to, message);
    }
}
