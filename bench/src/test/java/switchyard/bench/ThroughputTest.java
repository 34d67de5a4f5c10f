package switchyard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import switchyard.bench.layer.LayerBench;

class ThroughputTest {

    private static Throughput run(double forward, double fwdBwd, double alloc, double isolated) {
        return new Throughput(forward, fwdBwd, alloc, 2 * alloc,
                new Throughput.Layer(new LayerBench.Gemm(isolated, isolated / 2, 1.5), isolated, 3 * isolated, null, null));
    }

    @Test
    void eachThroughputIsItsOwnMedianAndAllocationTheWorstRun() {
        // the forward median comes from another run than the fwd+bwd one: each figure is ranked alone
        Throughput a = run(300, 10, 4, 100);
        Throughput b = run(100, 30, 2, 200);
        Throughput c = run(200, 20, 3, 300);
        Throughput m = Throughput.medianOf(List.of(a, b, c));
        assertEquals(200, m.forward());
        assertEquals(20, m.fwdBwd());
        assertEquals(4, m.forwardAlloc());
        assertEquals(8, m.fwdBwdAlloc());
        // product figures describe the run with the median fwd+bwd, not a mix of runs
        assertSame(c.layer(), m.layer());
        assertEquals(300, m.layer().isolatedGflops());
        assertEquals(900, m.amxCeilingAfter());
    }

    @Test
    void anEvenCountAveragesTheMiddleTwoAndTakesProductsFromTheLowerOne() {
        Throughput m = Throughput.medianOf(List.of(run(10, 40, 1, 1), run(20, 10, 1, 2), run(30, 30, 1, 3), run(40, 20, 1, 4)));
        assertEquals(25, m.forward());
        assertEquals(25, m.fwdBwd());
        assertEquals(4, m.layer().isolatedGflops());
    }

    @Test
    void oneRunIsItself() {
        Throughput only = run(1, 2, 3, 4);
        assertEquals(only, Throughput.medianOf(List.of(only)));
        assertThrows(IllegalArgumentException.class, () -> Throughput.medianOf(List.of()));
    }
}
