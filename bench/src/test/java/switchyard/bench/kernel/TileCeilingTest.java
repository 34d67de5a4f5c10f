package switchyard.bench.kernel;

import switchyard.kernels.AmxMatMul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tile ceiling the bench reads AMX figures against: that its loop does the work it counts. */
class TileCeilingTest {

    @BeforeEach
    void needsAmx() {
        assumeTrue(AmxMatMul.available(), () -> "no AMX here: " + AmxMatMul.unavailableReason());
    }

    @Test
    void tileLoopRunsEveryProductItCounts() {
        // every product adds 32 to the element returned, one product of the four per round
        assertEquals(32f, AmxMatMul.tileLoop(1));
        assertEquals(32f * 1_000, AmxMatMul.tileLoop(1_000));
        assertEquals(32f * 400_000, AmxMatMul.tileLoop(400_000));
    }

    @Test
    void tileLoopRefusesRoundsItCannotCountExactly() {
        assertThrows(IllegalArgumentException.class, () -> AmxMatMul.tileLoop(0));
        assertThrows(IllegalArgumentException.class, () -> AmxMatMul.tileLoop(1 << 19));
    }

    @Test
    void theCeilingIsAPositiveRate() {
        double one = TileCeiling.bf16Gflops(1);
        double two = TileCeiling.bf16Gflops(2);
        assertTrue(one > 0 && Double.isFinite(one), "AMX ceiling on 1 thread " + one);
        assertTrue(two > 0 && Double.isFinite(two), "AMX ceiling on 2 threads " + two);
    }
}
