package switchyard.bench.layer;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import switchyard.math.precision.Precision;
import switchyard.bench.layer.AllocationMeter;
import switchyard.bench.layer.LayerConfig;
import switchyard.bench.layer.Window;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once warm, the actor layer allocates almost nothing per token: tensors come from buffers reused
 * step after step, and what is left per step (messages, reports, the gate's M×E gradient) is
 * spread over all of the step's tokens. Measured as {@code switchyard bench} measures it: bytes
 * every thread allocated over the counted steps. Not a timed test: allocation is counted, and
 * the same steps allocate the same bytes whatever the machine's speed.
 *
 * <p>The products run on EJML here: the Vector-API kernel allocates nothing once C2 has compiled
 * it ({@code MatMulAllocationTest} holds it to that), but until then it boxes every vector, and how
 * long that takes is up to the JIT; this test is about the layer around the products.
 */
class LayerAllocationTest {
    /** S=256 tokens per rank, M=32, H=64, E=4 over W=2 ranks: a few milliseconds per step. */
    private static final LayerConfig TINY = new LayerConfig("tiny", 256, 32, 64, 4);
    /** Steps before the window: enough for the JIT to compile the hot path. */
    private static final int WARMUP = 150;
    private static final int MEASURED = 30;
    /**
     * Before buffers were reused this layer allocated several KiB per token per step (every block,
     * activation and gradient new); now a few dozen bytes remain.
     */
    private static final double BOUND = 256;

    /** In both precisions: bfloat16 operands are rounded into scratch each kernel thread keeps. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void warmStepsAllocateLessThanTheBoundPerToken(Precision precision) {
        Assumptions.assumeTrue(AllocationMeter.available(), "this JVM does not count allocation per thread");
        LayerBench.Result r = LayerBench.measure(TINY, 2, "ejml", precision, ConfigFactory.load(), WARMUP, new Window(MEASURED, 0));
        assertTrue(r.forwardAllocBytesPerTokenStep() < BOUND,
                "forward allocated " + r.forwardAllocBytesPerTokenStep() + " bytes per token per step");
        assertTrue(r.fwdBwdAllocBytesPerTokenStep() < BOUND,
                "forward+backward allocated " + r.fwdBwdAllocBytesPerTokenStep() + " bytes per token per step");
    }
}
