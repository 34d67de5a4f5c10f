package switchyard.bench.kernel;

import switchyard.bench.layer.Window;

import org.junit.jupiter.api.Test;
import switchyard.math.linalg.MatMuls;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpertGemmBenchTest {
    @Test
    void measuresTheSixProductsOverItsWindow() {
        double g = ExpertGemmBench.gflops(MatMuls.byName("vector:1"), 40, 16, 24, new Window(3, 20_000_000L));
        assertTrue(g > 0 && Double.isFinite(g), "GFLOP/s " + g);
    }

    @Test
    void refusesEmptyShapes() {
        assertThrows(IllegalArgumentException.class, () -> ExpertGemmBench.gflops(MatMuls.byName("ejml"), 0, 16, 24, new Window(1, 0)));
    }
}
