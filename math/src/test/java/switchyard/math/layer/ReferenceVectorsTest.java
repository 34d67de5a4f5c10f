package switchyard.math.layer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.AmxMatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.testing.OracleRun;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every reference case (directory: {@code -Dswitchyard.vectors}, default the project's copy)
 * through the oracle layer, with every matrix kernel: routes exactly, numbers within the float32
 * tolerance.
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

    @ParameterizedTest(name = "{0} with every product on AMX tiles")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithEveryProductOnTiles(String name, ReferenceCase c) {
        // The default sends products this small to the vector kernel; force them onto tiles.
        Assumptions.assumeTrue(AmxMatMul.available(), () -> "no AMX: " + AmxMatMul.unavailableReason());
        ReferenceCheck.assertMatches(c, OracleRun.run(c, AmxMatMul.forAllSizes(2)));
    }

    @ParameterizedTest(name = "{0} with EJML")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithEjml(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, OracleRun.run(c, MatMuls.ejml()));
    }
}
