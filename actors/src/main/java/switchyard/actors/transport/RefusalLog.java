package switchyard.actors.transport;

import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;

/**
 * Logs refused data-plane connections: one line per remote host per {@link #WINDOW_NANOS}, with
 * how many more were refused meanwhile, so that a flood of strangers cannot flood the log.
 */
final class RefusalLog {
    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final int MAX_HOSTS = 1024;

    private record Window(long started, int suppressed) {}

    private final Logger log;
    private final Map<String, Window> windows = new HashMap<>();

    RefusalLog(Logger log) {
        this.log = log;
    }

    synchronized void refused(String remoteHost, String reason) {
        long now = System.nanoTime();
        Window w = windows.get(remoteHost);
        if (w != null && now - w.started() < WINDOW_NANOS) {
            windows.put(remoteHost, new Window(w.started(), w.suppressed() + 1));
            return;
        }
        if (windows.size() >= MAX_HOSTS) windows.clear();
        windows.put(remoteHost, new Window(now, 0));
        String more = w != null && w.suppressed() > 0 ? " (and " + w.suppressed() + " more from that host since the last report)" : "";
        log.warn("refused a data-plane connection from {}: {}{}", remoteHost, reason, more);
    }
}
