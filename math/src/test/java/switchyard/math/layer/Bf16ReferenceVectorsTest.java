package switchyard.math.layer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;
import switchyard.math.precision.Precision;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.ReferenceResult;
import switchyard.math.reference.Tolerances;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Check;
import switchyard.math.reference.v3.V3Oracle;
import switchyard.math.testing.OracleRun;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every reference case of both families through the oracle with {@code --precision bf16}: the
 * router on the float32 kernel, the expert products on bfloat16 operands. Routes must be exact
 * (the router is float32), values within {@link Tolerances#BF16}, and so must the gradients through
 * the experts unless rounding switched a ReLU (then {@link Tolerances#BF16_RELU_SWITCHED}; the
 * comments there say why). And the products must really have been rounded: outputs differ from
 * float32.
 */
class Bf16ReferenceVectorsTest {
    private static final MatMul ROUTER = MatMuls.ejml();
    private static final MatMul EXPERTS = ExpertKernels.byName("ejml", Precision.BF16);
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger SWITCHED = new AtomicInteger();

    @ParameterizedTest(name = "{0} in bf16")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void top2CasesMatchAtTheBfloat16Tolerance(String name, ReferenceCase c) {
        ReferenceResult bf16 = OracleRun.run(c, ROUTER, EXPERTS);
        boolean same = OracleRun.reluPattern(c, ROUTER, EXPERTS).equals(OracleRun.reluPattern(c, ROUTER, ROUTER));
        ReferenceCheck.assertMatches(c, bf16, tolerances(same));
        ReferenceResult fp32 = OracleRun.run(c, ROUTER, ROUTER);
        assertFalse(Arrays.equals(fp32.ranks().get(0).output().data, bf16.ranks().get(0).output().data),
                name + ": bf16 outputs are bit-identical to float32, so nothing was rounded");
    }

    @ParameterizedTest(name = "{0} in bf16")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void v3CasesMatchAtTheBfloat16Tolerance(String name, V3Case c) {
        boolean same = V3Oracle.reluPattern(c, ROUTER, EXPERTS).equals(V3Oracle.reluPattern(c, ROUTER, ROUTER));
        V3Check.assertMatches(c, V3Oracle.run(c, ROUTER, EXPERTS), tolerances(same));
    }

    private static Tolerances tolerances(boolean reluPatternsAgree) {
        CASES.incrementAndGet();
        if (reluPatternsAgree) return Tolerances.BF16;
        SWITCHED.incrementAndGet();
        return Tolerances.BF16_RELU_SWITCHED;
    }

    /** The loose tolerance must stay the exception, or the tight one checks nothing. */
    @AfterAll
    static void mostCasesKeepEveryReluOnItsSide() {
        if (CASES.get() >= 10 && SWITCHED.get() * 2 > CASES.get())
            throw new AssertionError(SWITCHED + " of " + CASES + " cases switched a ReLU under bf16");
    }
}
