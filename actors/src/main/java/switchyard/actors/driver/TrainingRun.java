package switchyard.actors.driver;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import switchyard.actors.checkpoint.ResumePoint;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RankMessage;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.placement.Placement;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The driver: starts steps, collects every rank's answer, all-reduces the gate gradients (summed
 * in step and rank order, so every replica receives the very same sum and stays bit-identical),
 * applies the update, and finally asks every rank for a digest of its parameters.
 * Any failure ends the run with a {@link Failed} that says which step, rank and phase.
 */
public final class TrainingRun extends AbstractBehavior<TrainingRun.Command> {

    public sealed interface Command permits Reply, RoundTimeout, RanksLost {}

    /** The node hosting {@code ranks} became unreachable or left: fail now rather than at a deadline. */
    public record RanksLost(int[] ranks, String node, String how) implements Command, NoSerializationVerificationNeeded {}

    private record Reply(RankReply reply) implements Command, NoSerializationVerificationNeeded {}

    private record RoundTimeout(int round) implements Command, NoSerializationVerificationNeeded {}

    /** What the run reports to its listener (always a local actor). */
    public sealed interface Event extends NoSerializationVerificationNeeded permits StepCompleted, Finished, Failed, CheckpointDone,
            Recovered {}

    public record StepCompleted(StepMetrics metrics) implements Event {}

    /** @param digest SHA-256 (hex) over the gate replica and every expert in global order */
    public record Finished(String digest, int updates) implements Event {}

    public record Failed(String reason) implements Event {}

    /** Every rank's file and the manifest of the checkpoint after {@code updates} updates are in {@code dir}. */
    public record CheckpointDone(long updates, String dir) implements Event {}

    private enum Stage { RESTORE, STEPS, REPLICAS, UPDATE, CHECKPOINT, DIGEST }

    private final List<ActorRef<RankMessage>> ranks;
    private final TrainingPlan plan;
    /** Where the experts are; changes at an update boundary when {@link #replanner} moves them. */
    private Placement placement;
    private final Replanner replanner;
    /** The placement the update in progress moves the experts to; null when they stay. */
    private Placement moving;
    private final ActorRef<Event> listener;
    private final TimerScheduler<Command> timers;
    private final ActorRef<RankReply> self;
    private final int worldSize;
    private final RunCheckpoints checkpoints;

    private Stage stage;
    private int update;
    private int round;
    private long updateStarted;
    private int nextMicro;
    private final TreeMap<Long, RankReply.StepDone[]> done = new TreeMap<>();
    /** The ranks that answered the update in progress. */
    private final java.util.BitSet updated = new java.util.BitSet();
    private int answered;
    private long restoredUpdates = -1;
    private final RankReply.ParameterDigest[] digests;
    /** The update's all-reduced sums while the replicas' gradients are being summed; null otherwise. */
    private AllReduce pending;
    /** The sums the last update sent, whose matrices the next one writes into. */
    private AllReduce lastSums;
    private ReplicaSums replicaSums;

    /**
     * @param placement where the ranks' experts start ({@code RankSettings.placement()}); they move
     *                  between updates where the plan's {@link TrainingPlan#replanner()} says
     */
    public static Behavior<Command> create(List<ActorRef<RankMessage>> ranks, TrainingPlan plan, Placement placement,
                                           ActorRef<Event> listener) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TrainingRun(ctx, timers, ranks, plan, placement, listener)));
    }

    private TrainingRun(ActorContext<Command> ctx, TimerScheduler<Command> timers, List<ActorRef<RankMessage>> ranks,
                        TrainingPlan plan, Placement placement, ActorRef<Event> listener) {
        super(ctx);
        if (placement.ranks() != ranks.size())
            throw new IllegalArgumentException("a placement of W=" + placement.ranks() + " for " + ranks.size() + " ranks");
        this.ranks = List.copyOf(ranks);
        this.plan = plan;
        this.placement = placement;
        this.replanner = plan.replanner();
        this.listener = listener;
        this.timers = timers;
        this.worldSize = ranks.size();
        this.digests = new RankReply.ParameterDigest[worldSize];
        this.self = ctx.messageAdapter(RankReply.class, Reply::new);
        this.checkpoints = new RunCheckpoints(plan.checkpoint(), worldSize);
        ctx.getLog().info("run {}", checkpoints.runId());
        for (ActorRef<RankMessage> r : this.ranks) r.tell(new RankMessage.Roster(this.ranks, self));
        if (plan.checkpoint().resumeFrom() != null) {
            startRestore();
        } else {
            startUpdate(0);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Reply.class, r -> onReply(r.reply()))
                .onMessage(RoundTimeout.class, this::onTimeout)
                .onMessage(RanksLost.class, m -> failRun("rank" + (m.ranks().length > 1 ? "s " : " ")
                        + Arrays.toString(m.ranks()).replaceAll("[\\[\\]]", "") + " on node " + m.node() + " " + m.how()
                        + " during " + (stage == Stage.DIGEST ? "the parameter digest" : "step " + (done.isEmpty() ? -1 : done.lastKey()))))
                .build();
    }

    private long stepId(int micro) {
        return (long) update * plan.microBatches() + micro;
    }

    private void startUpdate(int u) {
        update = u;
        stage = Stage.STEPS;
        done.clear();
        updated.clear();
        nextMicro = 0;
        updateStarted = System.nanoTime();
        int first = plan.pipelined() ? plan.microBatches() : 1;
        for (int i = 0; i < first; i++) startMicro();
        armTimer();
    }

    private void startMicro() {
        long step = stepId(nextMicro++);
        done.put(step, new RankReply.StepDone[worldSize]);
        for (int r = 0; r < worldSize; r++) {
            ranks.get(r).tell(new RankMessage.RunStep(step, plan.batches().batch(step, r), plan.training(), false, self));
        }
    }

    private void armTimer() {
        round++;
        timers.startSingleTimer("round", new RoundTimeout(round), plan.stepDeadline());
    }

    private Behavior<Command> onReply(RankReply reply) {
        if (reply instanceof RankReply.StepDone d) return onStepDone(d);
        if (reply instanceof RankReply.Updated u) return onUpdated(u);
        if (reply instanceof RankReply.ReplicaGradients g) return onReplicaGradients(g);
        if (reply instanceof RankReply.ParameterDigest p) return onDigest(p);
        if (reply instanceof RankReply.StepFailed f) return failRun(f.toString());
        if (reply instanceof RankReply.Restored r) return onRestored(r);
        if (reply instanceof RankReply.CheckpointSaved c) return onCheckpointSaved(c);
        if (reply instanceof RankReply.Rejected rej) {
            if (stage == Stage.RESTORE || stage == Stage.CHECKPOINT) return failRun(rej.reason());
            getContext().getLog().warn("rank {} rejected a message for step {}: {}", rej.rank(), rej.step(), rej.reason());
        }
        return this;
    }

    private Behavior<Command> onStepDone(RankReply.StepDone d) {
        RankReply.StepDone[] slots = done.get(d.step());
        if (stage != Stage.STEPS || slots == null || d.rank() < 0 || d.rank() >= worldSize || slots[d.rank()] != null) {
            getContext().getLog().warn("unexpected StepDone for step {} from rank {}", d.step(), d.rank());
            return this;
        }
        String nonFinite = NonFinite.in(d);
        if (nonFinite != null) return failRun(nonFinite);
        slots[d.rank()] = d;
        if (!allIn(slots)) return this;
        if (nextMicro < plan.microBatches()) {
            startMicro();
            armTimer();
            return this;
        }
        for (RankReply.StepDone[] s : done.values()) if (!allIn(s)) return this;
        if (!plan.training()) return completeUpdate(placement);
        // the last update's sums are free again: every rank answered Updated before these steps ran
        AllReduce sums = AllReduce.of(done.values(), lastSums);
        lastSums = sums;
        moving = replanner.afterUpdate(update, sums.keptPerExpert(), update + 1 < plan.updates());
        if (moving != null && moving.equals(placement)) moving = null;
        if (placement.hasReplicas()) { // the replicas' gradients are summed first, then every replica steps with the sum
            stage = Stage.REPLICAS;
            pending = sums;
            replicaSums = new ReplicaSums(placement);
            for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.ReportReplicaGradients(updateSteps(), self));
            armTimer();
            return this;
        }
        return applyUpdate(sums, null);
    }

    private long[] updateSteps() {
        return done.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    private Behavior<Command> onReplicaGradients(RankReply.ReplicaGradients g) {
        if (stage != Stage.REPLICAS) return this;
        String refused = replicaSums.take(g);
        if (refused != null) return failRun(refused);
        if (!replicaSums.complete()) return this;
        List<List<ExpertGrads>> perRank;
        try {
            perRank = replicaSums.sums();
        } catch (IllegalArgumentException e) {
            return failRun("the replicas' gradients do not add up: " + e.getMessage());
        }
        AllReduce sums = pending;
        pending = null;
        replicaSums = null;
        return applyUpdate(sums, perRank);
    }

    /** Every rank steps; {@code replicas}: per rank the sums for its replicated slots, or null without replicas. */
    private Behavior<Command> applyUpdate(AllReduce sums, List<List<ExpertGrads>> replicas) {
        stage = Stage.UPDATE;
        long[] steps = updateSteps();
        for (int r = 0; r < worldSize; r++) {
            ranks.get(r).tell(new RankMessage.ApplyUpdate(steps, sums.gateGradient(), sums.sharedGradient(), sums.expertLoads(),
                    replicas == null ? List.of() : replicas.get(r), moving, self));
        }
        armTimer();
        return this;
    }

    private Behavior<Command> onUpdated(RankReply.Updated u) {
        if (stage != Stage.UPDATE) return this;
        if (u.rank() < 0 || u.rank() >= worldSize) return this;
        updated.set(u.rank());
        if (updated.cardinality() < worldSize) return this;
        Placement ran = placement;
        if (moving != null) { // every rank's slots hold it now
            placement = moving;
            moving = null;
        }
        return completeUpdate(ran);
    }

    /** @param ran the placement the update's steps ran under */
    private Behavior<Command> completeUpdate(Placement ran) {
        List<RankReply.StepDone> all = new ArrayList<>();
        for (RankReply.StepDone[] s : done.values()) all.addAll(Arrays.asList(s));
        listener.tell(new StepCompleted(StepMetrics.of(update, ran, all, System.nanoTime() - updateStarted)));
        if (plan.checkpoint().dueAfter(update + 1, plan.updates())) {
            stage = Stage.CHECKPOINT;
            answered = 0;
            Path dir;
            try {
                dir = checkpoints.prepareSave(update + 1);
            } catch (IOException e) {
                return failRun("cannot make the checkpoint directory in " + plan.checkpoint().dir() + ": " + e);
            }
            for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.SaveCheckpoint(dir.toString(), update + 1, self));
            armTimer();
            return this;
        }
        return next(update + 1);
    }

    /** Starts update {@code u}, or the digest when the plan is done. */
    private Behavior<Command> next(int u) {
        if (u < plan.updates()) {
            startUpdate(u);
            return this;
        }
        stage = Stage.DIGEST;
        for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.ReportDigest(self));
        armTimer();
        return this;
    }

    private Behavior<Command> onCheckpointSaved(RankReply.CheckpointSaved c) {
        if (stage != Stage.CHECKPOINT || ++answered < worldSize) return this;
        Path dir;
        try {
            dir = checkpoints.completeSave(update + 1, placement, replanner.loads());
        } catch (IOException e) {
            return failRun("cannot complete the checkpoint in " + plan.checkpoint().dir() + ": " + e);
        }
        getContext().getLog().info("checkpoint after {} updates written to {}", update + 1, dir);
        listener.tell(new CheckpointDone(update + 1, dir.toString()));
        return next(update + 1);
    }

    private void startRestore() {
        stage = Stage.RESTORE;
        answered = 0;
        ResumePoint point;
        try {
            point = checkpoints.resume();
        } catch (IllegalArgumentException e) {
            getContext().getSelf().tell(new Reply(new RankReply.Rejected(-1, -1, e.getMessage())));
            return;
        }
        // the experts resume where they were, which a re-placement may have changed; a manifest
        // records no placement for the static map (nor did any before placements), not "where the job starts"
        Placement saved = point.manifest().placement();
        if (saved == null) saved = Placement.staticMap(worldSize, placement.localExperts());
        if (!saved.sameShape(placement)) {
            getContext().getSelf().tell(new Reply(new RankReply.Rejected(-1, -1, "the checkpoint in " + point.dir() + " places experts as "
                    + saved + ", which does not fit this job's " + placement.slotsPerRank() + " slots on each of " + worldSize + " ranks")));
            return;
        }
        placement = saved;
        replanner.resume(saved, point.manifest().loads());
        getContext().getLog().info("resuming from {}", point.dir());
        for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.RestoreCheckpoint(point.dir().toString(), placement, self));
        armTimer();
    }

    private Behavior<Command> onRestored(RankReply.Restored r) {
        if (stage != Stage.RESTORE) return this;
        if (restoredUpdates >= 0 && r.updatesDone() != restoredUpdates)
            return failRun("checkpoint files disagree: rank " + r.rank() + " was saved after " + r.updatesDone()
                    + " updates, others after " + restoredUpdates);
        restoredUpdates = r.updatesDone();
        if (++answered < worldSize) return this;
        getContext().getLog().info("resumed after {} updates", restoredUpdates);
        return next((int) restoredUpdates);
    }

    private Behavior<Command> onDigest(RankReply.ParameterDigest p) {
        if (stage != Stage.DIGEST || p.rank() < 0 || p.rank() >= worldSize) return this;
        digests[p.rank()] = p;
        for (RankReply.ParameterDigest d : digests) if (d == null) return this;
        timers.cancel("round");
        ExpertDigests.Job job = ExpertDigests.ofJob(placement, digests);
        listener.tell(job.diverged() != null ? new Failed(job.diverged()) : new Finished(job.digest(), plan.updates()));
        return Behaviors.stopped();
    }

    private Behavior<Command> onTimeout(RoundTimeout t) {
        if (t.round() != round) return this;
        List<Integer> silent = new ArrayList<>();
        String what;
        switch (stage) {
            case STEPS -> {
                for (var e : done.entrySet())
                    for (int r = 0; r < worldSize; r++) if (e.getValue()[r] == null && !silent.contains(r)) silent.add(r);
                what = "step " + done.lastKey();
            }
            case UPDATE -> { silent.addAll(silentIn(updated)); what = "the update after step " + done.lastKey(); }
            case REPLICAS -> { silent.addAll(silentIn(replicaSums.reported())); what = "the replicas' gradients after step " + done.lastKey(); }
            case RESTORE -> what = "restoring the checkpoint";
            case CHECKPOINT -> what = "writing the checkpoint";
            default -> {
                for (int r = 0; r < worldSize; r++) if (digests[r] == null) silent.add(r);
                what = "the parameter digest";
            }
        }
        return failRun("no answer from ranks " + (silent.isEmpty() ? "(some)" : silent) + " for " + what
                + " within " + plan.stepDeadline().toMillis() + " ms");
    }

    /** The ranks missing from {@code answered}. */
    private List<Integer> silentIn(java.util.BitSet answered) {
        List<Integer> silent = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) if (!answered.get(r)) silent.add(r);
        return silent;
    }

    private Behavior<Command> failRun(String reason) {
        getContext().getLog().error("run failed: {}", reason);
        for (long s : done.keySet()) for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.AbortStep(s, reason));
        listener.tell(new Failed(reason));
        return Behaviors.stopped();
    }

    private static boolean allIn(Object[] slots) {
        for (Object o : slots) if (o == null) return false;
        return true;
    }
}
