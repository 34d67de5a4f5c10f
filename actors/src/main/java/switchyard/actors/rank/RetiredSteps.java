package switchyard.actors.rank;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** The most recent steps a rank finished, failed or aborted, so that late messages for them are recognised. */
final class RetiredSteps {
    private final int capacity;
    private final ArrayDeque<Long> order = new ArrayDeque<>();
    private final Set<Long> members = new HashSet<>();

    RetiredSteps(int capacity) {
        this.capacity = capacity;
    }

    void add(long step) {
        if (!members.add(step)) return;
        order.addLast(step);
        if (order.size() > capacity) members.remove(order.removeFirst());
    }

    boolean contains(long step) {
        return members.contains(step);
    }
}
