package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.KernelAgreement.Op;

/**
 * Math alone, as any user without the native module has it (math's own test class path never
 * holds that module): every kernel name but AMX works, {@code amx} is refused saying the module is
 * missing, and the best kernel is the vector kernel on every core.
 */
class MatMulsWithoutNativeModuleTest {

    private static final String MISSING = "the native kernel module (switchyard-native) is not on the class path";

    @Test
    void noKernelProviderIsOnTheClassPath() {
        // The rest of this class holds only because of this.
        assertTrue(ServiceLoader.load(KernelProvider.class).findFirst().isEmpty());
        assertEquals(MISSING, MatMuls.amxUnavailableReason());
    }

    @Test
    void amxIsRefusedWithTheReason() {
        for (String name : new String[] {"amx", "AMX:2", "metered:amx"}) {
            String message = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName(name)).getMessage();
            assertTrue(message.contains(" cannot run here: " + MISSING + "; accepted: " + MatMuls.ACCEPTED_NAMES), message);
        }
        String badCount = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName("amx:0")).getMessage();
        assertTrue(badCount.contains("bad thread count"), badCount);
    }

    @Test
    void bestIsTheVectorKernelOnAllProcessors() {
        for (MatMul best : List.of(MatMuls.best(), MatMuls.byName("best"))) {
            assertEquals(Runtime.getRuntime().availableProcessors(), assertInstanceOf(VectorMatMul.class, best).threads());
        }
    }

    @Test
    void describeSaysWhyAmxIsNotInUse() {
        MatMul best = MatMuls.best();
        assertEquals(best.name() + " (no AMX: " + MISSING + "; no AVX-512 kernel: " + MISSING + ")", MatMuls.describe(best));
    }

    @Test
    void theKernelsThatAreHereMultiply() {
        List<MatMul> kernels = List.of(MatMuls.best(), MatMuls.byName("vector:2"), MatMuls.byName("metered:vector"));
        for (Op op : Op.values()) {
            KernelAgreement.assertMatchesEjml(kernels, KernelAgreement.FLOAT32_TERM_ERROR, op, 65, 256, 97, false);
        }
    }
}
