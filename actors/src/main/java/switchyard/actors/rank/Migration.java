package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.TimerScheduler;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.transport.Courier;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertShard;
import switchyard.math.optim.OptimizerState;
import switchyard.math.placement.Placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A re-placement on one rank, between two updates: the experts this rank held first send
 * themselves (parameters and optimizer state) to the ranks that take them in the next placement,
 * and the slots fill with what comes in and what stays, then change over all at once.
 *
 * <p>Who sends is fixed by the old placement alone: an expert's first replica (its lowest slot)
 * sends it to every rank that did not hold it; a rank that already held it copies its own. Every
 * copy carries the same bits, replicas included, so moving experts changes no number of the job.
 * A move is checked against what this rank expects (sender, slot, expert, shapes) before it is
 * kept. A peer may finish its update first: a move for the update whose steps this rank has just
 * run waits for this rank's update, at most {@code L + R} of them; any other is refused.
 */
final class Migration {
    private final RankSettings settings;
    private final ExpertSlots slots;
    private final Courier courier;
    private final TimerScheduler<RankInbox> timers;
    private final Failures failures;
    /** The newest step this rank started: the only update a move may come early for. */
    private final LongSupplier newestStep;
    private List<ActorRef<RankMessage>> ranks;

    /** The re-placement in progress: after the update ending at {@code update}; -1 when none. */
    private long update = -1;
    private long lastDone = -1;
    private Placement next;
    private Expert[] experts;
    private OptimizerState[] states;
    /** The rank each slot waits for, or -1 once it is filled. */
    private int[] awaiting;
    private Runnable done;
    /** Told the ranks that did not send (empty when none are to blame) and why. */
    private BiConsumer<int[], String> failed;
    private final List<RankMessage.ExpertMove> early = new ArrayList<>();

    Migration(RankSettings settings, ExpertSlots slots, Courier courier, TimerScheduler<RankInbox> timers, Failures failures,
              LongSupplier newestStep) {
        this.settings = settings;
        this.newestStep = newestStep;
        this.slots = slots;
        this.courier = courier;
        this.timers = timers;
        this.failures = failures;
    }

    void rosterIs(List<ActorRef<RankMessage>> ranks) {
        this.ranks = ranks;
    }

    private int rank() {
        return settings.rank();
    }

    /**
     * Moves the experts to {@code target} after the update that ended at step {@code after}; runs
     * {@code onDone} once this rank's slots hold it, or {@code onFailure} with the silent ranks and the reason.
     */
    void start(long after, Placement target, Runnable onDone, BiConsumer<int[], String> onFailure) {
        if (ranks == null) {
            onFailure.accept(new int[0], "rank " + rank() + " has no roster to move experts with");
            return;
        }
        if (update >= 0) {
            onFailure.accept(new int[0], "rank " + rank() + " is still moving experts after step " + update);
            return;
        }
        Placement current = slots.placement();
        if (!target.sameShape(current)) {
            onFailure.accept(new int[0], "rank " + rank() + " cannot move from a placement of " + shape(current) + " to one of " + shape(target));
            return;
        }
        sendMoves(after, current, target);
        int n = target.slotsPerRank();
        update = after;
        next = target;
        experts = new Expert[n];
        states = new OptimizerState[n];
        awaiting = new int[n];
        done = onDone;
        failed = onFailure;
        for (int s = 0; s < n; s++) {
            int e = target.expertIn(rank(), s);
            int own = slotHolding(current, rank(), e);
            if (own >= 0) {
                experts[s] = slots.shard().expert(own).copy();
                states[s] = slots.stateOf(own);
                awaiting[s] = -1;
            } else {
                awaiting[s] = current.replica(e, 0).rank();
            }
        }
        List<RankMessage.ExpertMove> waiting = new ArrayList<>(early);
        early.clear();
        for (RankMessage.ExpertMove m : waiting) {
            if (m.update() == after) moveIn(m);
            else refuseUnexpected(m, ": it moves experts after step " + after);
        }
        if (update >= 0 && !complete()) {
            timers.startSingleTimer(TIMER, new Internal.MigrationDeadline(after), settings.gatherDeadline());
        } else if (update >= 0) {
            finish();
        }
    }

    private static final Object TIMER = "migration";

    private static String shape(Placement p) {
        return "W=" + p.ranks() + " L=" + p.localExperts() + " R=" + p.redundant();
    }

    /** Every expert whose first replica is here goes to each rank that takes it and did not hold it. */
    private void sendMoves(long after, Placement current, Placement target) {
        for (int r = 0; r < target.ranks(); r++) {
            if (r == rank()) continue;
            for (int s = 0; s < target.slotsPerRank(); s++) {
                int e = target.expertIn(r, s);
                var first = current.replica(e, 0);
                if (first.rank() != rank() || slotHolding(current, r, e) >= 0) continue;
                courier.tell(ranks.get(r), new RankMessage.ExpertMove(after, rank(), s, e,
                        slots.shard().expert(first.localSlot()).copy(), slots.stateOf(first.localSlot())));
            }
        }
    }

    /** The first slot of {@code rank} holding expert {@code e} under {@code p}, or -1. */
    private static int slotHolding(Placement p, int rank, int e) {
        int[] ids = p.expertsOn(rank);
        for (int s = 0; s < ids.length; s++) if (ids[s] == e) return s;
        return -1;
    }

    private void refuseUnexpected(RankMessage.ExpertMove m, String why) {
        failures.reject(m.update(), "an expert move from rank " + m.from() + " after step " + m.update()
                + ", which rank " + rank() + " does not expect" + why);
    }

    /** An update that moves no expert: moves held for it belong to nothing, and are refused. */
    void noMove(long after) {
        for (RankMessage.ExpertMove m : early) {
            refuseUnexpected(m, ": the update after step " + after + " moves no expert");
        }
        early.clear();
    }

    /** A move from a peer: kept if it is one this rank waits for, else refused to the driver. */
    void moveIn(RankMessage.ExpertMove m) {
        if (update < 0 || m.update() != update) {
            if (update < 0 && m.update() == newestStep.getAsLong() && m.update() > lastDone && early.size() < settings.slotsPerRank()) {
                early.add(m); // its sender got the update first: it waits for this rank's
            } else {
                refuseUnexpected(m, "");
            }
            return;
        }
        String refusal = refusal(m);
        if (refusal != null) {
            failures.reject(m.update(), refusal);
            return;
        }
        experts[m.slot()] = m.weights();
        states[m.slot()] = m.state();
        awaiting[m.slot()] = -1;
        if (complete()) finish();
    }

    private String refusal(RankMessage.ExpertMove m) {
        String what = "the move of expert " + m.expert() + " from rank " + m.from() + " into slot " + m.slot() + " of rank " + rank();
        if (m.slot() < 0 || m.slot() >= awaiting.length) return what + ": no such slot";
        if (awaiting[m.slot()] != m.from()) {
            return what + ": " + (awaiting[m.slot()] < 0 ? "the slot is filled already" : "rank " + awaiting[m.slot()] + " sends that slot's expert");
        }
        if (m.expert() != next.expertIn(rank(), m.slot())) return what + ": the slot takes expert " + next.expertIn(rank(), m.slot());
        Expert w = m.weights();
        if (w.modelDim() != settings.modelDim() || w.hiddenDim() != settings.hiddenDim())
            return what + ": its parameters are M=" + w.modelDim() + " H=" + w.hiddenDim() + ", expected M=" + settings.modelDim()
                    + " H=" + settings.hiddenDim();
        try { // kind, hyper-parameters, names and shapes, all before the move is kept
            settings.optimizer().create().restore(m.state(), ExpertShard.paramsOf(m.expert(), w, w.newGrads()));
        } catch (IllegalArgumentException e) {
            return what + ": its optimizer state does not fit: " + e.getMessage();
        }
        return null;
    }

    private boolean complete() {
        for (int a : awaiting) if (a >= 0) return false;
        return true;
    }

    private void finish() {
        timers.cancel(TIMER);
        Runnable then = done;
        BiConsumer<int[], String> orElse = failed;
        try {
            slots.replace(next, Arrays.asList(experts), Arrays.asList(states));
        } catch (IllegalArgumentException e) {
            clear();
            orElse.accept(new int[0], "rank " + rank() + " cannot take its new experts: " + e.getMessage());
            return;
        }
        clear();
        then.run();
    }

    /** The deadline of the re-placement after step {@code after} passed. */
    void deadlinePassed(long after) {
        if (after != update) return;
        TreeSet<Integer> silent = new TreeSet<>();
        for (int a : awaiting) if (a >= 0) silent.add(a);
        BiConsumer<int[], String> orElse = failed;
        clear();
        orElse.accept(silent.stream().mapToInt(Integer::intValue).toArray(), "rank " + rank() + " got no expert moves from ranks " + silent
                + " within " + settings.gatherDeadline().toMillis() + " ms after step " + after);
    }

    private void clear() {
        lastDone = update;
        update = -1;
        next = null;
        experts = null;
        states = null;
        awaiting = null;
        done = null;
        failed = null;
    }
}
