package switchyard.actors.rank;

import switchyard.actors.protocol.RankMessage;
import switchyard.actors.exchange.ExchangeSettings;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank's gather clocks count waiting for peers, not its own work: one rank alone makes a
 * synthetic batch that takes far longer than routing it, and its dispatch clock (the wait for its
 * own rows to come back through the mailbox) must not include the batch.
 */
class PhaseClocksTest {
    static final ActorTestKit kit = ActorTestKit.create("clocks");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void makingTheBatchIsNotWaitingForTheDispatch() {
        int dim = 512;
        RankSettings s = new RankSettings(0, 1, 2, dim, 16, RoutingOptions.builder().build(), 5,
                OptimizerSpec.parse("sgd"), Duration.ofSeconds(60), 8, "best", ExchangeSettings.direct());
        RankHarness h = new RankHarness(kit, s);
        // targets cost S·M² = 0.5 GFLOP: tens of milliseconds, against well under one for routing 1024 tokens to 2 experts
        h.ranks.get(0).tell(new RankMessage.RunStep(0, new Batch.Synthetic(new ClusteredRegression.Spec(3, 4, dim, 1024)),
                false, false, h.driver.getRef()));
        RankReply.StepDone done = h.awaitDone(1, Duration.ofSeconds(60))[0];
        long[] nanos = done.report().phaseNanos();
        long batch = nanos[Phase.BATCH.ordinal()], dispatch = nanos[Phase.DISPATCH.ordinal()];
        assertTrue(batch > 0, "the batch is timed");
        assertTrue(dispatch < batch, "dispatch " + dispatch + " ns must not contain the batch's " + batch + " ns");
    }
}
