package switchyard.actors.sim;

import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.driver.RunListener;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.protocol.ExchangePart;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing-only loop must account exactly what the rank actors do. */
class RoutingOnlyTest {

    private static SimulationOptions options(int steps, int microBatches, RoutingOptions routing) {
        return new SimulationOptions(3, 2, 40, 8, 16, 4, steps, microBatches, false, 11, routing,
                OptimizerSpec.parse("adam:lr=0.01"), "best", Duration.ofSeconds(30), ExchangeSettings.direct(), null);
    }

    @Test
    void firstUpdateMatchesTheActorsExactly() {
        // before the first update every gate replica still has its initial weight, as routing-only always does
        RoutingOptions routing = RoutingOptions.builder().capacityFactor(0.75).auxLossWeight(0.01f).build();
        SimulationOptions o = options(1, 2, routing);
        RunListener.Outcome actors = Simulation.run(o, ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(actors.succeeded(), actors::failure);
        StepMetrics expected = actors.steps().get(0);
        StepMetrics actual = RoutingOnly.run(o, 2, null).steps().get(0);

        assertArrayEquals(expected.tokensPerExpert(), actual.tokensPerExpert());
        assertEquals(expected.droppedAssignments(), actual.droppedAssignments());
        assertTrue(actual.droppedAssignments() > 0, "capacity factor 0.75 must drop something");
        assertEquals(expected.droppedTokens(), actual.droppedTokens());
        assertEquals(expected.tokens(), actual.tokens());
        assertEquals(expected.slots(), actual.slots());
        assertEquals(expected.lAux(), actual.lAux(), 0.0);
        for (Exchange x : Exchange.values()) {
            for (int r = 0; r < o.worldSize(); r++) {
                assertArrayEquals(expected.rows()[x.ordinal()][r], actual.rows()[x.ordinal()][r], x + " rows from rank " + r);
                assertArrayEquals(expected.bytes()[x.ordinal()][r], actual.bytes()[x.ordinal()][r], x + " bytes from rank " + r);
            }
        }
    }

    @Test
    void trafficRetracesTheDispatchRoutesAndTheLossIsTheRouterLoss() {
        SimulationOptions o = options(3, 1, RoutingOptions.builder().topK(1).auxLossWeight(0.5f).build());
        RunListener.Outcome outcome = RoutingOnly.run(o, 1, null);
        assertTrue(outcome.succeeded());
        assertNull(outcome.digest(), "nothing is trained, so there are no parameters to digest");
        List<StepMetrics> steps = outcome.steps();
        assertEquals(3, steps.size());
        for (StepMetrics m : steps) {
            assertEquals(0.0, m.taskLoss());
            assertEquals(0.5 * m.lAux(), m.loss(), 1e-6);
            long dispatched = 0;
            for (int src = 0; src < 3; src++) {
                for (int dst = 0; dst < 3; dst++) {
                    long rows = m.rows()[0][src][dst];
                    dispatched += rows;
                    assertEquals(rows, m.rows()[Exchange.OUTPUT_GRAD.ordinal()][src][dst]);
                    assertEquals(rows, m.rows()[Exchange.EXPERT_OUTPUT.ordinal()][dst][src]);
                    assertEquals(rows, m.rows()[Exchange.INPUT_GRAD.ordinal()][dst][src]);
                    assertEquals(ExchangePart.headerBytes(2) + rows * o.modelDim() * 4, m.bytes()[0][src][dst]);
                }
            }
            assertEquals(m.keptAssignments(), dispatched);
            assertEquals(o.worldSize() * o.tokens(), m.keptAssignments() + m.droppedAssignments());
        }
    }

    /**
     * Routing-only draws its tokens from the same skewed task as the rank actors: the first update
     * matches them exactly under skew too, and the skew shows as a more uneven choice of experts.
     */
    @Test
    void aSkewedTaskIsRoutedAsTheActorsRouteIt() {
        RoutingOptions routing = RoutingOptions.builder().auxLossWeight(0.01f).build();
        SimulationOptions uniform = new SimulationOptions(4, 2, 256, 16, 16, 8, 1, 1, false, 11, routing,
                OptimizerSpec.parse("adam:lr=0.01"), "best", Duration.ofSeconds(30), ExchangeSettings.direct(), null);
        SimulationOptions skewed = uniform.withSkew(1.2);
        assertEquals(1.2, skewed.task().skew());
        RunListener.Outcome actors = Simulation.run(skewed, ConfigFactory.load(), null, Duration.ofMinutes(2));
        assertTrue(actors.succeeded(), actors::failure);
        StepMetrics hot = RoutingOnly.run(skewed, 2, null).steps().get(0);
        assertArrayEquals(actors.steps().get(0).tokensPerExpert(), hot.tokensPerExpert());
        assertArrayEquals(actors.steps().get(0).balance().selections(), hot.balance().selections());
        StepMetrics even = RoutingOnly.run(uniform, 2, null).steps().get(0);
        assertTrue(hot.selectionImbalance() > even.selectionImbalance(),
                "skew 1.2: imbalance " + hot.selectionImbalance() + ", uniform: " + even.selectionImbalance());
    }
}
