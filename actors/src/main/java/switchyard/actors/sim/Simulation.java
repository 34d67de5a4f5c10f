package switchyard.actors.sim;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.protocol.Batch;
import switchyard.actors.rank.RankActor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Runs a whole training job on W rank actors inside one ActorSystem, and waits for it. */
public final class Simulation {
    private Simulation() {}

    /** How a run ended: the per-update metrics, and either the digest or the failure. */
    public record Outcome(List<StepMetrics> steps, String digest, String failure, long wallNanos) {
        public boolean succeeded() { return failure == null; }
    }

    /**
     * @param config  the ActorSystem's configuration (reference.conf plus any overrides)
     * @param onStep  called, on an actor thread, as each update completes
     * @param timeout the whole run's limit; the system is shut down either way
     */
    public static Outcome run(SimulationOptions options, Config config, Consumer<StepMetrics> onStep, Duration timeout) {
        List<StepMetrics> steps = new ArrayList<>();
        CompletableFuture<TrainingRun.Event> end = new CompletableFuture<>();
        long t0 = System.nanoTime();
        ActorSystem<Void> system = ActorSystem.create(guardian(options, steps, onStep, end), "switchyard", config);
        try {
            TrainingRun.Event last = end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long wall = System.nanoTime() - t0;
            if (last instanceof TrainingRun.Finished f) return new Outcome(List.copyOf(steps), f.digest(), null, wall);
            return new Outcome(List.copyOf(steps), null, ((TrainingRun.Failed) last).reason(), wall);
        } catch (TimeoutException e) {
            return new Outcome(List.copyOf(steps), null, "the run did not finish within " + timeout.toSeconds() + " s", System.nanoTime() - t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(List.copyOf(steps), null, "interrupted", System.nanoTime() - t0);
        } catch (ExecutionException e) {
            return new Outcome(List.copyOf(steps), null, String.valueOf(e.getCause()), System.nanoTime() - t0);
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // shutting down anyway; nothing is left to lose
            }
        }
    }

    private static Behavior<Void> guardian(SimulationOptions o, List<StepMetrics> steps, Consumer<StepMetrics> onStep,
                                           CompletableFuture<TrainingRun.Event> end) {
        return Behaviors.setup(ctx -> {
            List<ActorRef<RankActor.Command>> ranks = new ArrayList<>();
            int ahead = 4 * o.microBatches() + 4;
            for (int r = 0; r < o.worldSize(); r++) {
                ranks.add(ctx.spawn(RankActor.create(o.rankSettings(r, ahead)), "rank-" + r,
                        DispatcherSelector.fromConfig("switchyard.compute-dispatcher")));
            }
            ActorRef<TrainingRun.Event> listener = ctx.spawn(Behaviors.receive(TrainingRun.Event.class)
                    .onMessage(TrainingRun.StepCompleted.class, m -> {
                        steps.add(m.metrics());
                        if (onStep != null) onStep.accept(m.metrics());
                        return Behaviors.same();
                    })
                    .onMessage(TrainingRun.Finished.class, m -> {
                        end.complete(m);
                        return Behaviors.stopped();
                    })
                    .onMessage(TrainingRun.Failed.class, m -> {
                        end.complete(m);
                        return Behaviors.stopped();
                    })
                    .build(), "listener");
            Batch batch = new Batch.Synthetic(o.task());
            // a step may legitimately take a while on big shapes; every gather has its own deadline too
            Duration roundDeadline = o.gatherDeadline().multipliedBy(4);
            TrainingPlan plan = new TrainingPlan(o.steps(), o.microBatches(), o.pipelined(), true, (step, rank) -> batch, roundDeadline);
            ctx.spawn(TrainingRun.create(ranks, plan, o.experts(), listener), "driver");
            return Behaviors.empty();
        });
    }
}
