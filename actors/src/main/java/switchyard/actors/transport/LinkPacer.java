package switchyard.actors.transport;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Holds a link's writer to a bandwidth, to study a slower network with real nodes on one fast
 * machine: a frame still goes out at full speed, then the writer waits (parked, using no CPU)
 * until the frame would have finished on a link of {@code bytesPerSecond}. Frames written while
 * the link was idle do not bank credit: an idle link is free from now, not from the past.
 */
final class LinkPacer {
    /** Parks the calling thread for about the given nanoseconds. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double nanosPerByte;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long freeAt;

    /** {@code bytesPerSecond} 0 = no limit. */
    LinkPacer(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        if (bytesPerSecond < 0) throw new IllegalArgumentException("link rate must be >= 0 bytes/s, got " + bytesPerSecond);
        this.nanosPerByte = bytesPerSecond == 0 ? 0 : 1e9 / bytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    static LinkPacer of(long bytesPerSecond) {
        return new LinkPacer(bytesPerSecond, System::nanoTime, nanos -> {
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) throw new InterruptedException();
        });
    }

    boolean limited() {
        return nanosPerByte > 0;
    }

    /** Books a frame of {@code bytes} that was just written and waits until the link would be free again. */
    void sent(long bytes) throws InterruptedException {
        if (!limited()) return;
        long now = clock.getAsLong();
        freeAt = Math.max(freeAt, now) + (long) (bytes * nanosPerByte);
        for (long left = freeAt - now; left > 0; left = freeAt - clock.getAsLong()) sleeper.sleep(left);
    }
}
