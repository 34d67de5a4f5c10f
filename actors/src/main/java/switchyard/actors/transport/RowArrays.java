package switchyard.actors.transport;

import switchyard.actors.wire.FloatArrays;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Float arrays for the rows of received exchange parts, reused. Decoding a large part into a new
 * array costs zeroing, fresh pages and garbage on top of the copy itself, a large share of a
 * node's data-plane CPU; a receiver that has copied a part's rows away hands the array back
 * ({@link DataPlane#recycle}) and the next part of that size is decoded into it, often still in
 * cache. Only arrays this pool lent are taken back, each once, so a stray or repeated hand-back is
 * harmless; an array never handed back is simply collected. At most {@code budgetBytes} wait here,
 * the least recently used sizes go first.
 */
final class RowArrays implements FloatArrays {
    /** Smaller arrays are cheap to allocate: not worth the bookkeeping. */
    static final int MIN_LENGTH = 16 * 1024;
    /** A receiver needs a few in turn; more of one size would only sit here. */
    private static final int PER_LENGTH = 8;

    private final long budgetBytes;
    private final LinkedHashMap<Integer, ArrayDeque<float[]>> free = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
    private final Map<float[], Boolean> lent = new WeakHashMap<>(); // guarded by this
    private long freeBytes; // guarded by this

    RowArrays(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    @Override
    public float[] take(int length) {
        if (budgetBytes == 0 || length < MIN_LENGTH) return new float[length];
        synchronized (this) {
            ArrayDeque<float[]> same = free.get(length);
            float[] a = same == null ? null : same.poll();
            if (a != null) {
                freeBytes -= 4L * length;
            } else {
                a = new float[length];
            }
            lent.put(a, Boolean.TRUE);
            return a;
        }
    }

    /** Takes back an array this pool lent; anything else is ignored. */
    synchronized void give(float[] a) {
        if (lent.remove(a) == null) return;
        ArrayDeque<float[]> same = free.computeIfAbsent(a.length, n -> new ArrayDeque<>());
        if (same.size() >= PER_LENGTH) return;
        same.push(a); // last in, first out: the warmest array goes out next
        freeBytes += 4L * a.length;
        Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> oldest = free.entrySet().iterator();
        while (freeBytes > budgetBytes && oldest.hasNext()) {
            Map.Entry<Integer, ArrayDeque<float[]>> e = oldest.next();
            freeBytes -= 4L * e.getKey() * e.getValue().size();
            oldest.remove();
        }
    }

    /** Bytes waiting to be reused (for tests). */
    synchronized long freeBytes() {
        return freeBytes;
    }
}
