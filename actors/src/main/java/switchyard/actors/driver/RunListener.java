package switchyard.actors.driver;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Bridges a run's events to plain Java: collects the per-update metrics, calls {@code onStep} as
 * they come, and completes {@code outcome} when the run finishes or fails.
 */
public final class RunListener {
    private RunListener() {}

    /** How a run ended: the per-update metrics, and either the digest or the failure. */
    public record Outcome(List<StepMetrics> steps, String digest, String failure, long wallNanos) {
        public boolean succeeded() { return failure == null; }
    }

    public static Behavior<TrainingRun.Event> create(Consumer<StepMetrics> onStep, CompletableFuture<Outcome> outcome) {
        long t0 = System.nanoTime();
        List<StepMetrics> steps = new ArrayList<>();
        return Behaviors.receive(TrainingRun.Event.class)
                .onMessage(TrainingRun.StepCompleted.class, m -> {
                    steps.add(m.metrics());
                    if (onStep != null) onStep.accept(m.metrics());
                    return Behaviors.same();
                })
                .onMessage(TrainingRun.Finished.class, m -> {
                    outcome.complete(new Outcome(List.copyOf(steps), m.digest(), null, System.nanoTime() - t0));
                    return Behaviors.stopped();
                })
                .onMessage(TrainingRun.Failed.class, m -> {
                    outcome.complete(new Outcome(List.copyOf(steps), null, m.reason(), System.nanoTime() - t0));
                    return Behaviors.stopped();
                })
                .build();
    }
}
