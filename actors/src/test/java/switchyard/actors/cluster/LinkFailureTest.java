package switchyard.actors.cluster;

import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.rank.RankActor;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.transport.DataPlane;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer node that goes away in the middle of an exchange: the rank waiting for its parts fails
 * the step at once through the data plane's link failure, naming the lost rank and node — far
 * inside the gather deadline, which would otherwise be the only thing to end the wait.
 */
class LinkFailureTest {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aPeerNodeStoppingMidExchangeFailsTheStepNamingItLongBeforeTheDeadline() {
        SimulationOptions job = new SimulationOptions(2, 2, 64, 16, 24, 5, 1, 1, false, 3,
                RoutingOptions.builder().build(), OptimizerSpec.parse("sgd:lr=0.01"), "best", DEADLINE,
                new ExchangeSettings(4L * 16 * 4, 2), null);
        try (ClusterFixture c = new ClusterFixture(3, "")) {
            List<ActorRef<RankMessage>> ranks = c.configure(List.of(c.host(1, 0), c.host(2, 1)), job.rankSettings(0));
            TestProbe<RankReply> driver = c.nodes.get(0).createTestProbe(RankReply.class);
            for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.Roster(ranks, driver.getRef()));
            // only rank 0 starts the step: it dispatches to rank 1, then waits for rank 1's dispatch
            ranks.get(0).tell(new RankMessage.RunStep(0, job.plan().batches().batch(0, 0), true, false, driver.getRef()));
            driver.awaitAssert(Duration.ofSeconds(20), () -> {
                assertTrue(DataPlane.get(c.nodes.get(2).system()).stats().framesReceived() > 0, "rank 0's dispatch reached node 2");
                return null;
            });

            String lostNode = c.nodes.get(2).system().address().toString();
            long stopped = System.nanoTime();
            // not shutdownTestKit(), which waits for the node to finish stopping: Akka's TLS streams can hold
            // that up for the kit's whole shutdown timeout (akka/akka-core#29162), which is not what is measured here
            c.nodes.get(2).system().terminate();
            List<RankReply> seen = driver.fishForMessage(Duration.ofSeconds(30),
                    m -> m instanceof RankReply.StepFailed f && f.rank() == 0 ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
            double seconds = (System.nanoTime() - stopped) / 1e9;
            RankReply.StepFailed failed = (RankReply.StepFailed) seen.get(seen.size() - 1);
            assertEquals(0, failed.rank());
            assertArrayEquals(new int[] {1}, failed.missing());
            assertTrue(failed.reason().contains("data-plane link with rank 1 on node " + lostNode), failed.reason());
            assertTrue(seconds < 20, "reported after " + seconds + " s; the gather deadline is " + DEADLINE.toSeconds() + " s");
        }
    }
}
