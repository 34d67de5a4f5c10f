package switchyard.actors.transport;

import akka.actor.typed.ActorRef;

import java.util.ArrayDeque;

/**
 * Credit-based pacing of exchange parts, per destination rank: at most {@code window} parts are
 * unacknowledged on any sender→receiver pair, the rest wait here. Artery drops messages when its
 * send queue is full instead of pushing back, so without this a burst of large parts is lost; on
 * the data plane it bounds what waits in a link's queue and in the receiver's mailbox.
 * A window of 0 sends everything at once. Parts leave through the {@link Courier}.
 */
public final class Outbox<M> {
    private record Pending<M>(ActorRef<M> to, M message) {}

    private final int window;
    private final Courier courier;
    private final int[] inFlight;
    private final ArrayDeque<Pending<M>>[] waiting;

    @SuppressWarnings("unchecked")
    public Outbox(int worldSize, int window, Courier courier) {
        this.window = window;
        this.courier = courier;
        this.inFlight = new int[worldSize];
        this.waiting = new ArrayDeque[worldSize];
        for (int d = 0; d < worldSize; d++) waiting[d] = new ArrayDeque<>();
    }

    /** Whether receivers must acknowledge every part. */
    public boolean paced() {
        return window > 0;
    }

    public void send(int dest, ActorRef<M> to, M message) {
        if (!paced()) {
            courier.tell(to, message);
            return;
        }
        waiting[dest].addLast(new Pending<>(to, message));
        pump(dest);
    }

    /** {@code dest} received one part: one more may go. */
    public void acknowledged(int dest) {
        if (dest < 0 || dest >= inFlight.length || inFlight[dest] == 0) return;
        inFlight[dest]--;
        pump(dest);
    }

    private void pump(int dest) {
        while (inFlight[dest] < window && !waiting[dest].isEmpty()) {
            Pending<M> p = waiting[dest].removeFirst();
            inFlight[dest]++;
            courier.tell(p.to(), p.message());
        }
    }
}
