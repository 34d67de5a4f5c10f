package switchyard.math.tensor;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Idle sets of buffers of one owner (a rank, a layer), handed out again instead of allocating new
 * ones. Whoever takes a set owns it until it releases it, and must release it only when nothing can
 * read it any more; a set that is never released is simply left to the garbage collector. With
 * assertions on (as in tests), a released set is poisoned — filled with NaN — so that a read after
 * release shows up in the results instead of passing unnoticed.
 *
 * <p>Not thread-safe: one owner takes and releases.
 */
public final class BufferPool<T> {
    private final ArrayDeque<T> idle = new ArrayDeque<>();
    private final Supplier<T> create;
    private final Consumer<T> poison;

    /**
     * @param create makes a new set when none is idle
     * @param poison overwrites a released set with values no computation can mistake for data
     */
    public BufferPool(Supplier<T> create, Consumer<T> poison) {
        this.create = create;
        this.poison = poison;
    }

    /** An idle set (the one released last, whose memory is most likely still in cache), or a new one. */
    public T take() {
        T set = idle.pollLast();
        return set != null ? set : create.get();
    }

    /** Makes {@code set} available to the next {@link #take}. */
    public void release(T set) {
        if (set == null) throw new IllegalArgumentException("cannot release a null buffer set");
        assert notIdle(set) && poisoned(set);
        idle.addLast(set);
    }

    /** Sets waiting to be taken. */
    public int idle() {
        return idle.size();
    }

    private boolean notIdle(T set) {
        for (T t : idle) if (t == set) throw new IllegalStateException("buffer set released twice");
        return true;
    }

    private boolean poisoned(T set) {
        poison.accept(set);
        return true;
    }
}
