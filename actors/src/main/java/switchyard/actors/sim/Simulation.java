package switchyard.actors.sim;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.rank.RankActor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Runs a whole training job on W rank actors inside one ActorSystem, and waits for it. */
public final class Simulation {
    private Simulation() {}

    /**
     * @param config  the ActorSystem's configuration (reference.conf plus any overrides)
     * @param onStep  called, on an actor thread, as each update completes
     * @param timeout the whole run's limit; the system is shut down either way
     */
    public static RunListener.Outcome run(SimulationOptions options, Config config, Consumer<StepMetrics> onStep, Duration timeout) {
        return run(options, options.plan(), config, onStep, timeout);
    }

    /** Runs {@code plan} (its own batches, forward-only or training) on ranks built from {@code options}. */
    public static RunListener.Outcome run(SimulationOptions options, TrainingPlan plan, Config config, Consumer<StepMetrics> onStep,
                                          Duration timeout) {
        CompletableFuture<RunListener.Outcome> outcome = new CompletableFuture<>();
        ActorSystem<Void> system = ActorSystem.create(guardian(options, plan, onStep, outcome), "switchyard", config);
        return Jobs.await(system, outcome, timeout);
    }

    /**
     * The job of {@code options}, its experts starting at {@code options.placement()} and moving
     * where {@code replanner} says between updates.
     */
    public static RunListener.Outcome run(SimulationOptions options, Replanner replanner, Config config, Consumer<StepMetrics> onStep,
                                          Duration timeout) {
        return run(options, options.plan().withReplanner(replanner), config, onStep, timeout);
    }

    private static Behavior<Void> guardian(SimulationOptions o, TrainingPlan plan, Consumer<StepMetrics> onStep,
                                           CompletableFuture<RunListener.Outcome> outcome) {
        return Behaviors.setup(ctx -> {
            List<ActorRef<RankMessage>> ranks = new ArrayList<>();
            for (int r = 0; r < o.worldSize(); r++) {
                ranks.add(RankActor.narrow(ctx.spawn(RankActor.create(o.rankSettings(r)), "rank-" + r,
                        DispatcherSelector.fromConfig("switchyard.compute-dispatcher"))));
            }
            ActorRef<TrainingRun.Event> listener = ctx.spawn(RunListener.create(onStep, outcome), "listener");
            ctx.spawn(TrainingRun.create(ranks, plan, o.placement(), listener), "driver");
            return Behaviors.empty();
        });
    }
}
