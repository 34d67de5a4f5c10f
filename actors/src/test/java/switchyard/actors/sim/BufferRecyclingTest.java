package switchyard.actors.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.RunListener;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ranks reuse each step's buffers for later steps, lend exchange blocks to their peers without
 * copying, and reuse expert gradients after each update. None of that may change a bit: the same
 * steps run twice give the same digest and losses, the same as a run with fresh buffers for every
 * step, and the same as a run in which every message is serialized, so that no buffer is ever
 * shared between actors. Tests run with assertions on,
 * so every recycled buffer is first filled with NaN: a read after release would show in the
 * numbers. Three micro-batches per update are in flight at once, so several steps' buffers are
 * out at the same time and come back in varying order.
 */
class BufferRecyclingTest {
    private static final Config DEFAULT = ConfigFactory.load();
    private static final Config FRESH = ConfigFactory.parseString("switchyard.reuse-buffers = off").withFallback(DEFAULT);
    private static final Config COPIED = ConfigFactory.parseString("akka.actor.serialize-messages = on").withFallback(DEFAULT);

    private static SimulationOptions job() {
        return new SimulationOptions(2, 2, 96, 16, 24, 4, 6, 3, true, 11,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(30), ExchangeSettings.direct(), null);
    }

    private static RunListener.Outcome run(Config config) {
        RunListener.Outcome outcome = Simulation.run(job(), config, null, Duration.ofMinutes(2));
        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.failure());
        return outcome;
    }

    @Test
    void recycledBuffersChangeNoBit() {
        RunListener.Outcome first = run(DEFAULT);
        RunListener.Outcome second = run(DEFAULT);
        RunListener.Outcome fresh = run(FRESH);
        RunListener.Outcome copied = run(COPIED);
        assertEquals(first.digest(), second.digest(), "the same steps twice");
        assertEquals(first.digest(), fresh.digest(), "recycled buffers against fresh ones");
        assertEquals(first.digest(), copied.digest(), "recycled and lent buffers against copies in every message");
        for (int u = 0; u < first.steps().size(); u++) {
            assertEquals(first.steps().get(u).loss(), second.steps().get(u).loss(), 0.0, "loss of update " + u);
            assertEquals(first.steps().get(u).loss(), fresh.steps().get(u).loss(), 0.0, "loss of update " + u);
            assertEquals(first.steps().get(u).loss(), copied.steps().get(u).loss(), 0.0, "loss of update " + u);
            assertTrue(Double.isFinite(first.steps().get(u).loss()), "a NaN loss means a recycled buffer was read");
        }
    }
}
