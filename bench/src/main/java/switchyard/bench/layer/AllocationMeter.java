package switchyard.bench.layer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Bytes allocated on the Java heap by every thread of this JVM between two moments, from HotSpot's
 * per-thread allocation counters ({@code com.sun.management.ThreadMXBean}). Summing over all
 * threads catches what actors allocate on dispatcher threads and what kernels allocate on worker
 * threads. The counters are per thread, so a snapshot keeps one value per thread id: a thread
 * started after it counts from zero, and a thread that ended before {@link #bytesSince} loses what
 * it allocated in between (Akka's dispatcher threads and the kernels' workers live for the run).
 */
public final class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private AllocationMeter() {}

    /** Whether this JVM counts allocation per thread; without it every figure is NaN. */
    public static boolean available() {
        return THREADS != null;
    }

    /** The allocation counter of every live thread, now. */
    public static Snapshot snapshot() {
        if (THREADS == null) return new Snapshot(Map.of());
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>(2 * ids.length);
        for (int i = 0; i < ids.length; i++) if (bytes[i] >= 0) byThread.put(ids[i], bytes[i]);
        return new Snapshot(byThread);
    }

    /** Per-thread allocated bytes at one moment. */
    public static final class Snapshot {
        private final Map<Long, Long> byThread;

        private Snapshot(Map<Long, Long> byThread) {
            this.byThread = byThread;
        }

        /**
         * The {@code n} threads that allocated most from this snapshot until now, as
         * {@code "name 12.3 MB, ..."}: what to look at when a figure is far above the usual.
         */
        public String heaviestSince(int n) {
            if (THREADS == null) return "";
            Snapshot now = snapshot();
            return now.byThread.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - byThread.getOrDefault(e.getKey(), 0L)))
                    .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
                    .limit(n)
                    .map(e -> {
                        ThreadInfo info = THREADS.getThreadInfo(e.getKey());
                        String name = info == null ? "thread " + e.getKey() + " (ended)" : info.getThreadName();
                        return String.format(Locale.ROOT, "%s %.1f MB", name, e.getValue() / 1e6);
                    })
                    .collect(Collectors.joining(", "));
        }

        /** Bytes allocated by all threads from this snapshot until now; NaN when the JVM cannot tell. */
        public double bytesSince() {
            if (THREADS == null) return Double.NaN;
            Snapshot now = snapshot();
            long total = 0;
            for (Map.Entry<Long, Long> e : now.byThread.entrySet()) {
                total += e.getValue() - byThread.getOrDefault(e.getKey(), 0L);
            }
            return total;
        }
    }

    /** {@code bytes} spread over {@code steps} steps of {@code tokensPerStep} tokens each. */
    public static double perTokenStep(double bytes, long tokensPerStep, int steps) {
        return bytes / ((double) tokensPerStep * steps);
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)) return null;
        if (!t.isThreadAllocatedMemorySupported()) return null;
        if (!t.isThreadAllocatedMemoryEnabled()) t.setThreadAllocatedMemoryEnabled(true);
        return t;
    }
}
