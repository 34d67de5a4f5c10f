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

    /**
     * How a run ended: the per-update metrics (once each: updates an elastic run repeated after a
     * recovery count as they ran last), either the digest or the failure, and the recoveries.
     */
    public record Outcome(List<StepMetrics> steps, String digest, String failure, long wallNanos, List<Recovered> recoveries) {
        public Outcome(List<StepMetrics> steps, String digest, String failure, long wallNanos) {
            this(steps, digest, failure, wallNanos, List.of());
        }

        public boolean succeeded() { return failure == null; }
    }

    public static Behavior<TrainingRun.Event> create(Consumer<StepMetrics> onStep, CompletableFuture<Outcome> outcome) {
        return create(onStep, null, outcome);
    }

    /** @param onRecovery told of every recovery of an elastic run as it completes; may be null */
    public static Behavior<TrainingRun.Event> create(Consumer<StepMetrics> onStep, Consumer<Recovered> onRecovery,
                                                     CompletableFuture<Outcome> outcome) {
        long t0 = System.nanoTime();
        List<StepMetrics> steps = new ArrayList<>();
        List<Recovered> recoveries = new ArrayList<>();
        return Behaviors.receive(TrainingRun.Event.class)
                .onMessage(TrainingRun.StepCompleted.class, m -> {
                    // a recovered run repeats the updates after its checkpoint: the repeat replaces them
                    while (!steps.isEmpty() && steps.get(steps.size() - 1).update() >= m.metrics().update()) steps.remove(steps.size() - 1);
                    steps.add(m.metrics());
                    if (onStep != null) onStep.accept(m.metrics());
                    return Behaviors.same();
                })
                .onMessage(TrainingRun.CheckpointDone.class, m -> Behaviors.same())
                .onMessage(Recovered.class, m -> {
                    recoveries.add(m);
                    if (onRecovery != null) onRecovery.accept(m);
                    return Behaviors.same();
                })
                .onMessage(TrainingRun.Finished.class, m -> {
                    outcome.complete(new Outcome(List.copyOf(steps), m.digest(), null, System.nanoTime() - t0, List.copyOf(recoveries)));
                    return Behaviors.stopped();
                })
                .onMessage(TrainingRun.Failed.class, m -> {
                    outcome.complete(new Outcome(List.copyOf(steps), null, m.reason(), System.nanoTime() - t0, List.copyOf(recoveries)));
                    return Behaviors.stopped();
                })
                .build();
    }
}
