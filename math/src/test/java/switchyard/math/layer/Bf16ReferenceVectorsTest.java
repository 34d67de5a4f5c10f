package switchyard.math.layer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;
import switchyard.math.precision.Precision;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceResult;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.testing.Bf16VectorChecks;
import switchyard.math.testing.OracleRun;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every reference case of both families through the oracle with {@code --precision bf16} on the
 * fallback kernel (see {@link Bf16VectorChecks} for the rules; {@code Tolerances} says why they are
 * what they are). The products must really have been rounded (outputs differ from float32), and
 * the looser rule for switched ReLUs must stay the exception.
 */
class Bf16ReferenceVectorsTest {
    private static final MatMul ROUTER = MatMuls.ejml();
    private static final MatMul EXPERTS = ExpertKernels.byName("ejml", Precision.BF16);
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger SWITCHED = new AtomicInteger();

    @ParameterizedTest(name = "{0} in bf16")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void top2CasesMatchAtTheBfloat16Tolerance(String name, ReferenceCase c) {
        count(Bf16VectorChecks.assertTop2(c, ROUTER, EXPERTS));
        ReferenceResult fp32 = OracleRun.run(c, ROUTER, ROUTER);
        ReferenceResult bf16 = OracleRun.run(c, ROUTER, EXPERTS);
        assertFalse(Arrays.equals(fp32.ranks().get(0).output().data, bf16.ranks().get(0).output().data),
                name + ": bf16 outputs are bit-identical to float32, so nothing was rounded");
    }

    @ParameterizedTest(name = "{0} in bf16")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void v3CasesMatchAtTheBfloat16Tolerance(String name, V3Case c) {
        count(Bf16VectorChecks.assertV3(c, ROUTER, EXPERTS));
    }

    private static void count(boolean switched) {
        CASES.incrementAndGet();
        if (switched) SWITCHED.incrementAndGet();
    }

    @AfterAll
    static void mostCasesKeepEveryReluOnItsSide() {
        if (CASES.get() >= 10 && SWITCHED.get() * 2 > CASES.get())
            throw new AssertionError(SWITCHED + " of " + CASES + " cases switched a ReLU under bf16");
    }
}
