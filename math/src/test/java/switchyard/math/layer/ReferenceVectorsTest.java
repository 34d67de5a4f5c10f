package switchyard.math.layer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMuls;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.testing.OracleRun;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every reference case (directory: {@code -Dswitchyard.vectors}, default the project's copy)
 * through the oracle layer, with each of math's matrix kernels: routes exactly, numbers within the
 * float32 tolerance. The native module's test does the same with the AMX kernel.
 */
class ReferenceVectorsTest {

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(ReferenceCases.all().isEmpty(), "no reference case in " + ReferenceCases.directory());
    }

    @ParameterizedTest(name = "{0} with the fast kernel")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithTheDefaultKernel(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, OracleRun.run(c, MatMuls.best()));
    }

    @ParameterizedTest(name = "{0} with EJML")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithEjml(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, OracleRun.run(c, MatMuls.ejml()));
    }
}
