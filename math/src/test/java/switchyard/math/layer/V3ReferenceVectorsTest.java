package switchyard.math.layer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMuls;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Cases;
import switchyard.math.reference.v3.V3Check;
import switchyard.math.reference.v3.V3Oracle;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The oracle against the DeepSeek-V3-class reference vectors (sigmoid scores, selection bias and
 * its update, group-limited top-k, shared experts, the sequence-wise loss, expert choice): routes
 * exact, every value at the float32 tolerance. {@code -Dswitchyard.vectors.v3=DIR} runs other cases.
 */
class V3ReferenceVectorsTest {

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(V3Cases.all().isEmpty(), "no reference case in " + V3Cases.directory());
    }

    @ParameterizedTest(name = "{0} with the fast kernel")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void oracleMatchesWithTheDefaultKernel(String name, V3Case c) {
        V3Check.assertMatches(c, V3Oracle.run(c, MatMuls.best()));
    }

    @ParameterizedTest(name = "{0} with EJML")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void oracleMatchesWithEjml(String name, V3Case c) {
        V3Check.assertMatches(c, V3Oracle.run(c, MatMuls.ejml()));
    }
}
