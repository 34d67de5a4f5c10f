package switchyard.actors.cluster;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import switchyard.actors.driver.Recovered;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.driver.TrainingRun;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** What the elastic-run tests share, in this JVM and across JVMs. */
public final class ElasticRuns {
    private ElasticRuns() {}

    /**
     * {@code base} whose driver asks for step s's batches only once {@code gates.get(s)} is open: a
     * test opens it after losing (or bringing back) a node, so that happens mid-run every time. A
     * recovered run, which asks again, passes the open gate.
     */
    public static TrainingPlan gated(TrainingPlan base, Map<Long, CountDownLatch> gates) {
        return new TrainingPlan(base.updates(), base.microBatches(), base.pipelined(), base.training(), (step, rank) -> {
            CountDownLatch gate = gates.get(step);
            if (gate != null) await(gate);
            return base.batches().batch(step, rank);
        }, base.stepDeadline(), base.checkpoint(), base.replanner());
    }

    /** How an elastic run ended: it finished, and the recoveries on the way. */
    public record Ending(TrainingRun.Finished finished, List<Recovered> recoveries) {}

    /** Waits for the run to end, which it must by finishing. */
    public static Ending awaitFinished(TestProbe<TrainingRun.Event> events, Duration max) {
        List<TrainingRun.Event> rest = events.fishForMessage(max, e -> e instanceof TrainingRun.Finished || e instanceof TrainingRun.Failed
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
        TrainingRun.Finished done = assertInstanceOf(TrainingRun.Finished.class, rest.get(rest.size() - 1), rest.toString());
        return new Ending(done, rest.stream().filter(e -> e instanceof Recovered).map(e -> (Recovered) e).toList());
    }

    /** Waits for the checkpoint after {@code updates} updates to be complete. */
    public static void awaitCheckpoint(TestProbe<TrainingRun.Event> events, long updates, Duration max) {
        events.fishForMessage(max, e -> e instanceof TrainingRun.CheckpointDone d && d.updates() == updates
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("the test never opened the gate of its run");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
