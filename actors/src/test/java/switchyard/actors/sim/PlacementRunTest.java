package switchyard.actors.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.RunListener;
import switchyard.math.placement.Placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static switchyard.actors.sim.PlacementJob.DEFAULT;
import static switchyard.actors.sim.PlacementJob.MOVED;
import static switchyard.actors.sim.PlacementJob.MOVED_AGAIN;
import static switchyard.actors.sim.PlacementJob.REPLICATED;
import static switchyard.actors.sim.PlacementJob.REPLICATED_AGAIN;
import static switchyard.actors.sim.PlacementJob.movesTo;
import static switchyard.actors.sim.PlacementJob.options;
import static switchyard.actors.sim.PlacementJob.run;

/**
 * Whole runs on the rank actors under placements: experts that start elsewhere or move between
 * updates (weights and optimizer state travelling rank to rank) give the static run's digest, and
 * replicated experts stay bit-identical (the driver checks every replica at the digest) and repeat
 * exactly whatever the message interleaving.
 */
class PlacementRunTest {
    /** Every message through the serializer (moves, replica gradients, placements), on one compute thread. */
    private static final Config SERIALIZED_ONE_THREAD = ConfigFactory.parseString("""
            akka.actor.serialize-messages = on
            switchyard.compute-dispatcher.fork-join-executor.parallelism-max = 1
            """).withFallback(DEFAULT);

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
