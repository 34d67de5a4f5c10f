package switchyard.actors.rank;

import switchyard.math.expert.ExpertGrads;
import switchyard.math.tensor.BufferPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The gradients each finished backward pass left on a set of experts of this rank (its routed
 * experts, or its replica of the shared experts), kept by step until the update that sums them.
 * One set per step in flight, so pipelined steps never share a sum; sets are pooled and reused once
 * no update, inspection or driver will read them.
 */
final class ExpertGradients {
    private final Map<Long, List<ExpertGrads>> byStep = new TreeMap<>();
    private final BufferPool<List<ExpertGrads>> pool;
    private final boolean reuse;

    /** @param newSet a zero set of the experts' gradients */
    ExpertGradients(Supplier<List<ExpertGrads>> newSet, boolean reuse) {
        this.pool = new BufferPool<>(newSet, set -> set.forEach(ExpertGrads::poison));
        this.reuse = reuse;
    }

    /** A zeroed set for a backward pass that starts now. */
    List<ExpertGrads> fresh() {
        List<ExpertGrads> set = pool.take();
        set.forEach(ExpertGrads::zero);
        return set;
    }

    /** The backward pass of {@code step} is complete: keep its gradients for the update. */
    void keep(long step, List<ExpertGrads> set) {
        byStep.put(step, set);
    }

    /** The gradients {@code step} left, or null. */
    List<ExpertGrads> of(long step) {
        return byStep.get(step);
    }

    /** Where a kept set holds a value that is not finite: the step, and the expert's index in the set. */
    record NonFinite(long step, int expert) {}

    /** The first such place among the sets of {@code sortedSteps}, in step then expert order, or null. */
    NonFinite firstNonFinite(long[] sortedSteps) {
        for (long step : sortedSteps) {
            List<ExpertGrads> g = byStep.get(step);
            if (g == null) continue;
            for (int e = 0; e < g.size(); e++) if (!g.get(e).allFinite()) return new NonFinite(step, e);
        }
        return null;
    }

    /**
     * The gradients of {@code steps} summed in step order (into the first step's set), or null with
     * the first step that has none named in {@code missing[0]}.
     */
    List<ExpertGrads> sumInStepOrder(long[] sortedSteps, long[] missing) {
        List<ExpertGrads> sum = null;
        for (long step : sortedSteps) {
            List<ExpertGrads> g = byStep.get(step);
            if (g == null) {
                missing[0] = step;
                return null;
            }
            if (sum == null) {
                sum = g;
            } else {
                for (int l = 0; l < sum.size(); l++) sum.get(l).add(g.get(l));
            }
        }
        return sum;
    }

    /**
     * Copies of the gradients of {@code slots} over {@code steps}, each summed in step order as
     * {@link #sumInStepOrder} sums them (which leaves the kept sets as they are), or null with the
     * first step that has none named in {@code missing[0]}.
     */
    List<ExpertGrads> sumCopies(long[] sortedSteps, int[] slots, long[] missing) {
        List<ExpertGrads> sums = new ArrayList<>(slots.length);
        if (slots.length == 0) return sums;
        for (long step : sortedSteps) {
            List<ExpertGrads> g = byStep.get(step);
            if (g == null) {
                missing[0] = step;
                return null;
            }
            for (int i = 0; i < slots.length; i++) {
                if (sums.size() < slots.length) sums.add(g.get(slots[i]).copy());
                else sums.get(i).add(g.get(slots[i]));
            }
        }
        return sums;
    }

    /** {@code step}'s gradients are read no more. */
    void drop(long step) {
        recycle(byStep.remove(step));
    }

    /** Every kept set is read no more (a restored checkpoint replaces the parameters they were for). */
    void dropAll() {
        for (long step : new ArrayList<>(byStep.keySet())) drop(step);
    }

    /** A set no update will read (a backward pass that failed part-way): the next step may reuse it. */
    void recycle(List<ExpertGrads> set) {
        if (set != null && reuse) pool.release(set);
    }
}
