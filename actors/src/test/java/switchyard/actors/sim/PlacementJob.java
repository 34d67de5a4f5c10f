package switchyard.actors.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.RunListener;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small job the placement tests run, the placements they move it through, and how they run it. */
final class PlacementJob {
    static final Config DEFAULT = ConfigFactory.load();
    static final Placement MOVED = Placement.parse("W=3 L=2 R=0 | 5 1 | 0 3 | 4 2");
    static final Placement MOVED_AGAIN = Placement.parse("W=3 L=2 R=0 | 3 4 | 2 0 | 1 5");
    static final Placement REPLICATED = Placement.parse("W=3 L=2 R=1 | 0 1 0 | 2 3 0 | 4 5 1");
    static final Placement REPLICATED_AGAIN = Placement.parse("W=3 L=2 R=1 | 5 4 3 | 1 1 0 | 2 5 0");

    private PlacementJob() {}

    /** Top-3 of 6 experts with Adam, 6 updates: a token's outputs are a sum of three, and the optimizer has state to move. */
    static SimulationOptions options() {
        return new SimulationOptions(3, 2, 64, 16, 32, 6, 6, 1, false, 5,
                RoutingOptions.builder().topK(3).auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(30), ExchangeSettings.direct(), null);
    }

    /** Runs {@code o} in this JVM; it must succeed. */
    static RunListener.Outcome run(SimulationOptions o, Replanner replanner, Config config) {
        RunListener.Outcome outcome = Simulation.run(o, replanner, config, null, Duration.ofMinutes(3));
        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.failure());
        return outcome;
    }

    /** Moves to {@code first} after update 1 and to {@code second} after update 3. */
    static Replanner movesTo(Placement first, Placement second) {
        return movesAfter(Map.of(1, first, 3, second));
    }

    /** Moves to {@code byUpdate.get(u)} after update {@code u} (0-based), where it has one. */
    static Replanner movesAfter(Map<Integer, Placement> byUpdate) {
        return (update, tokens, more) -> byUpdate.get(update);
    }
}
