package switchyard.actors.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.RunListener;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole runs on the rank actors under placements: experts that start elsewhere or move between
 * updates (weights and optimizer state travelling rank to rank) give the static run's digest, and
 * replicated experts stay bit-identical (the driver checks every replica at the digest) and repeat
 * exactly whatever the message interleaving.
 */
class PlacementRunTest {
    private static final Config DEFAULT = ConfigFactory.load();
    /** Every message through the serializer (moves, replica gradients, placements), on one compute thread. */
    private static final Config SERIALIZED_ONE_THREAD = ConfigFactory.parseString("""
            akka.actor.serialize-messages = on
            switchyard.compute-dispatcher.fork-join-executor.parallelism-max = 1
            """).withFallback(DEFAULT);
    private static final Placement MOVED = Placement.parse("W=3 L=2 R=0 | 5 1 | 0 3 | 4 2");
    private static final Placement MOVED_AGAIN = Placement.parse("W=3 L=2 R=0 | 3 4 | 2 0 | 1 5");
    private static final Placement REPLICATED = Placement.parse("W=3 L=2 R=1 | 0 1 0 | 2 3 0 | 4 5 1");
    private static final Placement REPLICATED_AGAIN = Placement.parse("W=3 L=2 R=1 | 5 4 3 | 1 1 0 | 2 5 0");

    /** Top-3 of 6 experts with Adam: a token's outputs are a sum of three, and the optimizer has state to move. */
    private static SimulationOptions options() {
        return new SimulationOptions(3, 2, 64, 16, 32, 6, 6, 1, false, 5,
                RoutingOptions.builder().topK(3).auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(30), ExchangeSettings.direct(), null);
    }

    private static RunListener.Outcome run(SimulationOptions o, Replanner replanner, Config config) {
        RunListener.Outcome outcome = Simulation.run(o, replanner, config, null, Duration.ofMinutes(3));
        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.failure());
        return outcome;
    }

    /** Moves to {@code first} after update 1 and to {@code second} after update 3. */
    private static Replanner movesTo(Placement first, Placement second) {
        return (update, tokens, more) -> update == 1 ? first : update == 3 ? second : null;
    }

    @Test
    void expertsThatMoveWithoutReplicasGiveTheStaticDigest() {
        RunListener.Outcome statics = run(options(), Replanner.NEVER, DEFAULT);
        RunListener.Outcome moved = run(options(), movesTo(MOVED, MOVED_AGAIN), DEFAULT);
        assertEquals(statics.digest(), moved.digest());
        for (int u = 0; u < 6; u++) assertEquals(statics.steps().get(u).loss(), moved.steps().get(u).loss(), 0.0, "update " + u);
        // the experts did move: after update 1 the ranks received other rows than under the static map
        assertFalse(java.util.Arrays.equals(statics.steps().get(2).rowsPerRank(), moved.steps().get(2).rowsPerRank()));
        RunListener.Outcome startedElsewhere = run(options().withPlacement(MOVED_AGAIN), movesTo(MOVED, Placement.staticMap(3, 2)),
                SERIALIZED_ONE_THREAD);
        assertEquals(statics.digest(), startedElsewhere.digest());
    }

    @Test
    void replicatedExpertsStayIdenticalRepeatExactlyAndAgreeWithStaticToRounding() {
        RunListener.Outcome statics = run(options(), Replanner.NEVER, DEFAULT);
        SimulationOptions replicated = options().withPlacement(REPLICATED);
        // the digest exists only if every replica of every expert had the same bits as its first
        RunListener.Outcome once = run(replicated, movesTo(REPLICATED_AGAIN, REPLICATED), DEFAULT);
        RunListener.Outcome again = run(replicated, movesTo(REPLICATED_AGAIN, REPLICATED), SERIALIZED_ONE_THREAD);
        assertEquals(once.digest(), again.digest());
        double worst = 0;
        for (int u = 0; u < 6; u++) {
            double s = statics.steps().get(u).loss(), r = once.steps().get(u).loss();
            worst = Math.max(worst, Math.abs(s - r) / Math.abs(s));
        }
        assertTrue(worst < 1e-4, "replicated losses are within " + worst + " of the static run's, relative");
    }
}
