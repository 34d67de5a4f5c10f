package switchyard.actors.transport;

import java.util.concurrent.atomic.AtomicLong;

/** What a node's data plane has moved, in message frames and bytes (frame headers included), and the keep-alives it heard. */
public final class DataPlaneStats {
    /** The counters at one moment. */
    public record Snapshot(long framesSent, long bytesSent, long framesReceived, long bytesReceived, long keepAlivesReceived) {}

    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong keepAlivesReceived = new AtomicLong();

    void sent(long bytes) {
        framesSent.incrementAndGet();
        bytesSent.addAndGet(bytes);
    }

    void received(long bytes) {
        framesReceived.incrementAndGet();
        bytesReceived.addAndGet(bytes);
    }

    void keepAliveReceived() {
        keepAlivesReceived.incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(framesSent.get(), bytesSent.get(), framesReceived.get(), bytesReceived.get(), keepAlivesReceived.get());
    }
}
