package switchyard.actors.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;

/** Delivers a message to an actor, wherever it lives: the one seam between senders and a transport. */
public interface Courier {
    <T> void tell(ActorRef<T> to, T message);

    /** Akka's own delivery: a plain {@code tell} (Artery for remote actors). */
    Courier ARTERY = new Courier() {
        @Override
        public <T> void tell(ActorRef<T> to, T message) {
            to.tell(message);
        }
    };

    /** The courier for {@code transport} on {@code system}. */
    static Courier of(ActorSystem<?> system, Transport transport) {
        return transport == Transport.DATA_PLANE ? DataPlane.get(system) : ARTERY;
    }
}
