package switchyard.actors.rank;

import switchyard.actors.exchange.ExchangeSettings;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import switchyard.actors.driver.CheckpointPlan;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.sim.Simulation;
import switchyard.actors.sim.SimulationOptions;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchesTest {
    private static final Batch.Noise FRESH = new Batch.Noise(5, 12, 6);
    private static final Batch.Noise TWO = new Batch.Noise(5, 12, 6, 2);

    @Test
    void aNoiseBatchWithDistinctDrawsTheFirstStepsBatchesOnceAndUsesThemInTurn() {
        Batches reused = new Batches();
        Batches.Materialised[] got = new Batches.Materialised[5];
        for (int step = 0; step < got.length; step++) got[step] = reused.materialise(TWO, 1, step, new StepArena(1));
        assertSame(got[0], got[2]);
        assertSame(got[0], got[4]);
        assertSame(got[1], got[3]);
        for (int step = 0; step < 2; step++) { // the same numbers a fresh draw gives at that step
            Batches.Materialised fresh = new Batches().materialise(FRESH, 1, step, new StepArena(1));
            assertArrayEquals(fresh.input().data, got[step].input().data, "tokens of step " + step);
            assertArrayEquals(weights(fresh), weights(got[step]), "loss weights of step " + step);
        }
        assertFalse(Arrays.equals(got[0].input().data, got[1].input().data), "the two batches are distinct");
    }

    @Test
    void theReusedBatchesBelongToTheirRankAndToTheNoiseThatAskedForThem() {
        Batches batches = new Batches();
        Batches.Materialised rank1 = batches.materialise(TWO, 1, 0, new StepArena(1));
        Batches.Materialised rank0 = batches.materialise(TWO, 0, 0, new StepArena(1));
        assertFalse(Arrays.equals(rank1.input().data, rank0.input().data));
        Batches.Materialised otherSeed = batches.materialise(new Batch.Noise(6, 12, 6, 2), 0, 0, new StepArena(1));
        assertFalse(Arrays.equals(rank0.input().data, otherSeed.input().data));
        Batches.Materialised wider = batches.materialise(new Batch.Noise(6, 12, 7, 2), 0, 0, new StepArena(1));
        assertEquals(7, wider.input().numCols);
        assertEquals(12, wider.input().numRows);
    }

    /**
     * Training steps only read the batches they reuse: a run on reused batches loses exactly what a
     * run loses that is sent a new copy of the same numbers every step. Were the tokens or the loss
     * weights (the output gradient, which the rank uses without copying) written to, the reused run
     * would train on other numbers from its third step on.
     */
    @Test
    void trainingStepsLeaveTheReusedBatchesAsTheyWere() {
        SimulationOptions job = new SimulationOptions(2, 2, 64, 16, 32, 1, 1, 1, false, 1, RoutingOptions.reference(),
                OptimizerSpec.parse("sgd:lr=0.0001"), "vector", Duration.ofMinutes(5), ExchangeSettings.direct(), CheckpointPlan.none());
        Batch.Noise reused = new Batch.Noise(1, job.tokens(), job.modelDim(), 2);
        Batch.Noise fresh = new Batch.Noise(1, job.tokens(), job.modelDim());
        int steps = 5;
        double[] onReused = losses(job, new TrainingPlan(steps, 1, false, true, (step, rank) -> reused, Duration.ofMinutes(1), null));
        double[] onCopies = losses(job, new TrainingPlan(steps, 1, false, true, (step, rank) -> {
            Batches.Materialised b = new Batches().materialise(fresh, rank, step % 2, new StepArena(1));
            return new Batch.Given(b.input(), b.objective());
        }, Duration.ofMinutes(1), null));
        assertArrayEquals(onCopies, onReused);
        assertFalse(onReused[0] == onReused[2], "the parameters moved between the uses of a batch, or the test shows nothing");
    }

    private static double[] losses(SimulationOptions job, TrainingPlan plan) {
        RunListener.Outcome outcome = Simulation.run(job, plan, ConfigFactory.load(), m -> { }, Duration.ofMinutes(2));
        assertTrue(outcome.succeeded(), () -> "the run failed: " + outcome.failure());
        assertEquals(plan.updates(), outcome.steps().size());
        return outcome.steps().stream().mapToDouble(StepMetrics::loss).toArray();
    }

    @Test
    void aFreshNoiseBatchIsDrawnIntoTheStepsArenaEveryStep() {
        StepArena arena = new StepArena(1);
        Batches.Materialised b = new Batches().materialise(FRESH, 0, 3, arena);
        assertSame(arena.tokens, b.input());
        assertSame(arena.target, ((Objective.Linear) b.objective()).weights());
    }

    @Test
    void aNegativeDistinctIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Batch.Noise(1, 4, 4, -1));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
    }

    private static float[] weights(Batches.Materialised b) {
        return ((Objective.Linear) b.objective()).weights().data;
    }
}
