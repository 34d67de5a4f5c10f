package switchyard.actors.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.RowEncoding;
import switchyard.math.precision.Precision;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole training runs through the driver: learning, replica agreement, reproducibility. */
class SimulationTest {
    private static final Config DEFAULT = ConfigFactory.load();
    /** Every message through the serializer, and one compute thread: a very different interleaving. */
    private static final Config SERIALIZED_ONE_THREAD = ConfigFactory.parseString("""
            akka.actor.serialize-messages = on
            switchyard.compute-dispatcher.fork-join-executor.parallelism-max = 1
            """).withFallback(DEFAULT);

    private static SimulationOptions options(int steps, int microBatches, boolean pipelined, long seed) {
        return new SimulationOptions(3, 2, 64, 16, 32, 6, steps, microBatches, pipelined, seed,
                RoutingOptions.builder().auxLossWeight(0.01f).build(), OptimizerSpec.parse("adam:lr=0.01"), "best",
                Duration.ofSeconds(30), ExchangeSettings.direct(), null);
    }

    private static RunListener.Outcome run(SimulationOptions o, Config config) {
        RunListener.Outcome outcome = Simulation.run(o, config, null, Duration.ofMinutes(3));
        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.failure());
        return outcome;
    }

    @Test
    void twentyStepsLearnAndKeepGateReplicasBitIdentical() {
        // the driver compares every rank's gate digest and reports Failed if any differs
        RunListener.Outcome outcome = run(options(20, 1, false, 1), DEFAULT);
        List<StepMetrics> steps = outcome.steps();
        assertEquals(20, steps.size());
        assertTrue(steps.get(19).taskLoss() < 0.5 * steps.get(0).taskLoss(),
                "loss should fall: " + steps.get(0).taskLoss() + " -> " + steps.get(19).taskLoss());
        assertEquals(64, outcome.digest().length());
    }

    @Test
    void stepsInFlightGiveTheSameResultsAsSequentialSteps() {
        RunListener.Outcome sequential = run(options(4, 3, false, 2), DEFAULT);
        RunListener.Outcome pipelined = run(options(4, 3, true, 2), DEFAULT);
        assertEquals(sequential.digest(), pipelined.digest());
        for (int i = 0; i < 4; i++) assertEquals(sequential.steps().get(i).loss(), pipelined.steps().get(i).loss(), 0.0);
    }

    @Test
    void sameSeedSameDigestWhateverTheMessageInterleaving() {
        RunListener.Outcome a = run(options(5, 2, true, 3), DEFAULT);
        RunListener.Outcome b = run(options(5, 2, true, 3), SERIALIZED_ONE_THREAD);
        RunListener.Outcome other = run(options(5, 2, true, 4), DEFAULT);
        // split into parts of 3 rows, at most 2 unacknowledged parts per pair
        RunListener.Outcome paced = run(options(5, 2, true, 3).withExchange(new ExchangeSettings(3 * 16 * 4, 2)), SERIALIZED_ONE_THREAD);
        assertEquals(a.digest(), b.digest());
        assertEquals(a.digest(), paced.digest());
        assertNotEquals(a.digest(), other.digest(), "a different seed must change the digest");
    }

    @Test
    void trafficAndLoadAccountingIsConsistent() {
        SimulationOptions o = options(2, 1, false, 5);
        StepMetrics m = run(o, DEFAULT).steps().get(0);
        long kept = 0;
        for (long t : m.tokensPerExpert()) kept += t;
        long dispatched = 0;
        for (long[] row : m.rows()[0]) for (long n : row) dispatched += n;
        assertEquals(kept, dispatched, "every kept assignment is dispatched exactly once");
        assertEquals((long) o.tokens() * o.worldSize() * 2, kept + m.droppedAssignments());
        for (int p = 0; p < 4; p++) {
            for (int a = 0; a < o.worldSize(); a++) {
                for (int b = 0; b < o.worldSize(); b++) {
                    long header = switchyard.actors.protocol.ExchangePart.headerBytes(o.localExperts());
                    assertEquals(m.rows()[p][a][b] * o.modelDim() * 4 + header, m.bytes()[p][a][b], "phase " + p + " " + a + "->" + b);
                }
            }
        }
    }

    /**
     * With {@code --wire bf16} every row value is counted at two bytes, exactly as encoded, so a
     * step's bytes are at most 0.51 of float32's (headers are the rest); the layer still learns.
     */
    @Test
    void bf16RowsCountTwoBytesAValueAndHalveTheTraffic() {
        SimulationOptions o = options(6, 1, false, 5);
        RunListener.Outcome fp32 = run(o, DEFAULT);
        RunListener.Outcome bf16 = run(o.withExchange(ExchangeSettings.direct().withRows(RowEncoding.BF16)), DEFAULT);
        StepMetrics m = bf16.steps().get(0);
        long header = switchyard.actors.protocol.ExchangePart.headerBytes(o.localExperts());
        for (int p = 0; p < 4; p++)
            for (int a = 0; a < o.worldSize(); a++)
                for (int b = 0; b < o.worldSize(); b++)
                    assertEquals(m.rows()[p][a][b] * o.modelDim() * 2 + header, m.bytes()[p][a][b], "phase " + p + " " + a + "->" + b);
        double ratio = (double) m.totalBytes() / fp32.steps().get(0).totalBytes();
        assertTrue(ratio <= 0.51, "bf16 rows take " + ratio + " of float32's bytes");
        assertNotEquals(fp32.digest(), bf16.digest(), "rounding the rows must change the numbers");
        assertTrue(bf16.steps().get(5).taskLoss() < bf16.steps().get(0).taskLoss(), "bf16 rows must still learn");
    }

    /**
     * {@code --precision bf16} learns like float32: the same twenty steps end within 5 % of
     * float32's task loss (the defaults of {@code simulate}, forty steps, end within 0.1 %; see
     * docs/precision.md), while the parameters really differ.
     */
    @Test
    void bf16ExpertProductsLearnLikeFloat32() {
        RunListener.Outcome fp32 = run(options(20, 1, false, 1), DEFAULT);
        RunListener.Outcome bf16 = run(options(20, 1, false, 1).withPrecision(Precision.BF16), DEFAULT);
        double a = fp32.steps().get(19).taskLoss(), b = bf16.steps().get(19).taskLoss();
        assertTrue(Math.abs(b - a) <= 0.05 * a, "final task loss " + b + " in bf16 against " + a + " in float32");
        assertTrue(b < 0.5 * bf16.steps().get(0).taskLoss(), "bf16 loss should fall");
        assertNotEquals(fp32.digest(), bf16.digest(), "bf16 must change the numbers");
    }
}
