package switchyard.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.linalg.MatMuls;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.testing.OracleRun;

/**
 * Every reference case (directory: {@code -Dswitchyard.vectors}, default the project's copy)
 * through the oracle layer on the AMX kernel: routes exactly, numbers within the float32
 * tolerance, both as runs pick it (through math's seam) and with every product on tiles.
 */
class AmxReferenceVectorsTest {

    @BeforeEach
    void needsAmx() {
        assumeTrue(AmxMatMul.available(), () -> "no AMX: " + AmxMatMul.unavailableReason());
    }

    @ParameterizedTest(name = "{0} with the best kernel")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithTheBestKernel(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, OracleRun.run(c, MatMuls.best()));
    }

    @ParameterizedTest(name = "{0} with every product on AMX tiles")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void oracleMatchesWithEveryProductOnTiles(String name, ReferenceCase c) {
        // The default sends products this small to the vector kernel; force them onto tiles.
        ReferenceCheck.assertMatches(c, OracleRun.run(c, AmxMatMul.forAllSizes(2)));
    }
}
