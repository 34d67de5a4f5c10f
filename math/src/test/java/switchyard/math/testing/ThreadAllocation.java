package switchyard.math.testing;

import java.lang.management.ManagementFactory;

/** Whether this JVM counts the bytes each thread allocates, for the tests that hold code to zero. */
public final class ThreadAllocation {
    private ThreadAllocation() {}

    public static boolean counted() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled();
    }
}
