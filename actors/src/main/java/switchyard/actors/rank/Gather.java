package switchyard.actors.rank;

import switchyard.actors.protocol.Phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One message from every rank for one phase of one step. Items are read back in rank order,
 * never arrival order, which is what makes results independent of message timing.
 */
final class Gather<T> {
    private final Phase phase;
    private final Object[] items;
    private int arrived;

    Gather(Phase phase, int worldSize) {
        this.phase = phase;
        this.items = new Object[worldSize];
    }

    Phase phase() { return phase; }

    /** Records {@code item} from {@code rank}; returns an error text for an out-of-range or duplicate rank. */
    String offer(int rank, T item) {
        if (rank < 0 || rank >= items.length)
            return phase + " message from rank " + rank + ", but ranks are 0.." + (items.length - 1);
        if (items[rank] != null) return "duplicate " + phase + " message from rank " + rank;
        items[rank] = item;
        arrived++;
        return null;
    }

    boolean complete() { return arrived == items.length; }

    @SuppressWarnings("unchecked")
    T get(int rank) { return (T) items[rank]; }

    /** All items in rank order; only once complete. */
    @SuppressWarnings("unchecked")
    List<T> inRankOrder() {
        if (!complete()) throw new IllegalStateException(phase + " gather still misses ranks " + Arrays.toString(missing()));
        List<T> out = new ArrayList<>(items.length);
        for (Object o : items) out.add((T) o);
        return out;
    }

    int[] missing() {
        int[] out = new int[items.length - arrived];
        int n = 0;
        for (int r = 0; r < items.length; r++) if (items[r] == null) out[n++] = r;
        return out;
    }
}
