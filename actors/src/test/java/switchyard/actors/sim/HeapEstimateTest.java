package switchyard.actors.sim;

import org.junit.jupiter.api.Test;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heap a job needs at least: its parts on hand-computed shapes, and no refusal of the configurations Switchyard is quoted for. */
class HeapEstimateTest {
    private static final long GIB = 1L << 30;

    /** W ranks × L experts, S tokens, M, H, K clusters, micro-batches, shared experts. */
    private static SimulationOptions job(int w, int l, int s, int m, int h, int k, int microBatches, boolean pipelined,
                                         String optimizer, int shared, int sharedHidden) {
        return new SimulationOptions(w, l, s, m, h, k, 1, microBatches, pipelined, 1, RoutingOptions.builder().build(),
                OptimizerSpec.parse(optimizer), "best", Duration.ofSeconds(60), ExchangeSettings.direct(), null, shared, sharedHidden);
    }

    @Test
    void eachPartCountsTheFloatsThatCertainlyExist() {
        // M=4, H=8, L=2, E=4: an expert holds 2·4·8 + 8 + 4 = 76 floats, the gate 4·4 = 16: 168 floats of parameters
        HeapEstimate plain = HeapEstimate.perRank(job(2, 2, 10, 4, 8, 3, 1, false, "adam", 0, 8));
        assertEquals(168 * 4, plain.parameters());
        assertEquals(2 * 168 * 4, plain.optimizerState(), "Adam keeps two moments");
        assertEquals(168 * 4, plain.gradients(), "one micro-batch's gradients");
        assertEquals((5 * 10 * 4 + 2 * 10 * 4) * 4, plain.activations(), "five [S × M] token-side buffers and two [S × E] of the router");
        assertEquals(3 * (4 * 4 + 4) * 4, plain.taskData(), "K maps [M × M] and K centres [M]");
        assertEquals(4048, plain.total());
        assertEquals(2 * 4048, plain.times(2).total());

        // one shared expert of H=6 (2·4·6 + 6 + 4 = 58 floats), two pipelined micro-batches, SGD with momentum
        HeapEstimate shared = HeapEstimate.perRank(job(2, 2, 10, 4, 8, 3, 2, true, "sgd:momentum=0.9", 1, 6));
        assertEquals(226 * 4, shared.parameters());
        assertEquals(226 * 4, shared.optimizerState(), "one momentum buffer");
        assertEquals(2 * 226 * 4, shared.gradients(), "each micro-batch keeps its gradients until the update");
        assertEquals(2 * (280 + 10 * 6 + 2 * 10 * 4) * 4, shared.activations(), "both micro-batches in flight, with the shared experts' buffers");
        assertEquals(0, HeapEstimate.perRank(job(2, 2, 10, 4, 8, 3, 1, false, "sgd", 0, 8)).optimizerState(), "plain SGD keeps no state");
    }

    @Test
    void moreOfAnySizeNeedsMore() {
        long base = HeapEstimate.perRank(job(2, 2, 64, 16, 32, 4, 1, false, "adam", 0, 32)).times(2).total();
        for (SimulationOptions bigger : new SimulationOptions[] {
                job(4, 2, 64, 16, 32, 4, 1, false, "adam", 0, 32).withExchange(ExchangeSettings.direct()),
                job(2, 3, 64, 16, 32, 4, 1, false, "adam", 0, 32), job(2, 2, 65, 16, 32, 4, 1, false, "adam", 0, 32),
                job(2, 2, 64, 17, 32, 4, 1, false, "adam", 0, 32), job(2, 2, 64, 16, 33, 4, 1, false, "adam", 0, 32),
                job(2, 2, 64, 16, 32, 5, 1, false, "adam", 0, 32), job(2, 2, 64, 16, 32, 4, 2, false, "adam", 0, 32),
                job(2, 2, 64, 16, 32, 4, 1, false, "adam", 1, 32)}) {
            long total = HeapEstimate.perRank(bigger).times(bigger.worldSize()).total();
            assertTrue(total > base, bigger.sizeFlags() + ": " + total + " <= " + base);
        }
    }

    @Test
    void theQuotedConfigurationsNeedFarLessThanAnyDefaultHeap() {
        var defaults = SimulationOptions.defaults();
        var large = job(2, 4, 4096, 512, 2048, 8, 1, false, "adam", 0, 2048);
        var fine = job(2, 32, 4096, 512, 256, 8, 1, false, "adam", 1, 2048);
        for (SimulationOptions o : new SimulationOptions[] {defaults, large, fine}) {
            HeapEstimate all = HeapEstimate.perRank(o).times(o.worldSize());
            assertTrue(all.total() < 3 * GIB / 4, o.sizeFlags() + " needs " + all.parts());
            all.requireFits("simulate " + o.sizeFlags(), "a 1 GiB JVM", GIB);
        }
    }

    @Test
    void sizesBeyondTheHeapAreRefusedWithTheEstimateAndTheLimit() {
        var huge = job(8, 2, 1_000_000, 4096, 256, 8, 1, false, "adam", 0, 256);
        HeapEstimate need = HeapEstimate.perRank(huge).times(8);
        assertTrue(need.total() > 600 * GIB && need.total() < 700 * GIB, need.parts());
        var e = assertThrows(IllegalArgumentException.class, () -> need.requireFits("simulate " + huge.sizeFlags(), "this JVM", 3 * GIB));
        assertTrue(e.getMessage().startsWith("simulate -W 8 -L 2 -S 1000000 -M 4096 -H 256 needs about 615.82 GiB of heap ("), e.getMessage());
        assertTrue(e.getMessage().contains("but this JVM may use 3.00 GiB (-Xmx)"), e.getMessage());
    }
}
