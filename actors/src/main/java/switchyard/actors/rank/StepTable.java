package switchyard.actors.rank;

import akka.actor.typed.javadsl.TimerScheduler;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.math.tensor.BufferPool;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps in flight on one rank: their state, the deadline of every gather, and the arenas they
 * write into. A step is opened by its first message (a {@code RunStep}, or a peer's dispatch that
 * came first) and retired once both of its sides are done, or when it fails or is aborted; retired
 * steps are remembered, so that late messages for them are recognised.
 */
final class StepTable {
    private record DeadlineKey(long step, Phase phase) {}

    private final Map<Long, StepState> steps = new HashMap<>();
    private final RetiredSteps retired = new RetiredSteps(4096);
    private final RankSettings settings;
    private final TimerScheduler<RankInbox> timers;
    private final BufferPool<StepArena> arenas;
    private final ExpertGradients gradients;
    /** {@code switchyard.reuse-buffers}: off gives every step fresh buffers, to compare against or to rule reuse out. */
    private final boolean reuseBuffers;
    private long newestStarted = -1;

    /** The newest step this rank's token side started, or -1. */
    long newestStarted() {
        return newestStarted;
    }

    StepTable(RankSettings settings, TimerScheduler<RankInbox> timers, ExpertGradients gradients, boolean reuseBuffers) {
        this.settings = settings;
        this.timers = timers;
        this.gradients = gradients;
        this.reuseBuffers = reuseBuffers;
        int world = settings.worldSize();
        this.arenas = new BufferPool<>(() -> new StepArena(world), StepArena::poison);
    }

    /** The state of {@code step}, or null if it is not in flight. */
    StepState get(long step) {
        return steps.get(step);
    }

    /** The state of {@code step}, opened now (with its arena and the dispatch deadline) if it is new. */
    StepState open(long step) {
        return steps.computeIfAbsent(step, s -> {
            startDeadline(s, Phase.DISPATCH);
            return new StepState(s, settings.worldSize(), settings.modelDim(), settings.slotsPerRank(), arenas.take());
        });
    }

    boolean isRetired(long step) {
        return retired.contains(step);
    }

    /** A {@code RunStep} started {@code step} on this rank. */
    void started(long step) {
        newestStarted = Math.max(newestStarted, step);
    }

    /**
     * Why a peer's first part for {@code step} cannot open it, or null if it may. Before its first
     * {@code RunStep} a rank cannot know where the driver starts counting (a resumed run starts
     * past 0), so only the sign is checked then.
     */
    String refusalOfNew(long step) {
        if (steps.containsKey(step)) return null;
        boolean tooFarAhead = newestStarted >= 0 && step > newestStarted + settings.maxStepsAhead();
        if (step < 0 || tooFarAhead) return "unknown step " + step + " (newest started here: " + newestStarted + ")";
        return null;
    }

    List<StepState> inFlight() {
        return List.copyOf(steps.values());
    }

    void startDeadline(long step, Phase phase) {
        timers.startSingleTimer(new DeadlineKey(step, phase), new Internal.PhaseDeadline(step, phase), settings.gatherDeadline());
    }

    void cancelDeadline(long step, Phase phase) {
        timers.cancel(new DeadlineKey(step, phase));
    }

    void retireIfDone(StepState state) {
        if (state.done()) retire(state.step);
    }

    /**
     * Ends {@code step} here: its deadlines stop, a backward pass that failed part-way gives its
     * gradients back, and its arena is reused if nothing of it is still lent.
     */
    void retire(long step) {
        StepState state = steps.remove(step);
        retired.add(step);
        for (Phase p : Phase.values()) cancelDeadline(step, p);
        if (state == null) return;
        gradients.recycle(state.experts.grads);
        state.experts.grads = null;
        if (reuseBuffers && state.arena.loans.allHome()) arenas.release(state.arena);
    }
}
