package switchyard.actors.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Where an elastic run's ranks go when a node is lost: every rank on a surviving node stays where
 * it is, and the lost node's ranks are dealt, in rank order, to the surviving rank slots in rank
 * order (the first lost rank to the lowest surviving slot, the next to the next, round and round).
 * The logical ranks, their tokens and their settings do not change, only the node they run on, so
 * the job's numbers do not either. A plain function of who hosts what, for the driver and tests.
 */
final class Rehosting {
    private Rehosting() {}

    /**
     * @param hostOf   for every rank, the slot (by its own rank) that runs it now
     * @param lostSlot which slots were on the lost node
     * @return for every rank, the slot that runs it next; empty when no slot survives
     */
    static Map<Integer, Integer> after(Map<Integer, Integer> hostOf, Predicate<Integer> lostSlot) {
        List<Integer> surviving = new ArrayList<>();
        for (int slot : new java.util.TreeSet<>(hostOf.values())) if (!lostSlot.test(slot)) surviving.add(slot);
        if (surviving.isEmpty()) return Map.of();
        Map<Integer, Integer> next = new TreeMap<>();
        int dealt = 0;
        for (var e : new TreeMap<>(hostOf).entrySet()) {
            if (lostSlot.test(e.getValue())) next.put(e.getKey(), surviving.get(dealt++ % surviving.size()));
            else next.put(e.getKey(), e.getValue());
        }
        return next;
    }
}
