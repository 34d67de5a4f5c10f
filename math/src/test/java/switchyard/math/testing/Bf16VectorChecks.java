package switchyard.math.testing;

import switchyard.math.linalg.MatMul;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.Tolerances;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Check;
import switchyard.math.reference.v3.V3Oracle;

/**
 * A reference case through the oracle with the router on a float32 kernel and the experts on a
 * bfloat16 one: routes exact, values within {@link Tolerances#BF16}, and the gradients through the
 * experts too unless rounding switched a ReLU ({@link Tolerances#BF16_RELU_SWITCHED}). For math's
 * bf16 vector test and, through math's test-jar, for the native bfloat16 kernels.
 */
public final class Bf16VectorChecks {
    private Bf16VectorChecks() {}

    /** Checks a top-2 case; returns whether rounding switched a ReLU (the looser tolerance applied). */
    public static boolean assertTop2(ReferenceCase c, MatMul router, MatMul experts) {
        boolean switched = !OracleRun.reluPattern(c, router, experts).equals(OracleRun.reluPattern(c, router, router));
        ReferenceCheck.assertMatches(c, OracleRun.run(c, router, experts), switched ? Tolerances.BF16_RELU_SWITCHED : Tolerances.BF16);
        return switched;
    }

    /** Checks a v3 case; returns whether rounding switched a ReLU. */
    public static boolean assertV3(V3Case c, MatMul router, MatMul experts) {
        boolean switched = !V3Oracle.reluPattern(c, router, experts).equals(V3Oracle.reluPattern(c, router, router));
        V3Check.assertMatches(c, V3Oracle.run(c, router, experts), switched ? Tolerances.BF16_RELU_SWITCHED : Tolerances.BF16);
        return switched;
    }
}
