package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.KernelProvider;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.linalg.PooledMatMul;
import switchyard.math.linalg.VectorMatMul;

/**
 * Math's {@link MatMuls} with this module on the class path: it finds the AMX kernel through the
 * {@link KernelProvider} seam, takes it as the best kernel wherever it runs, and otherwise says
 * why not in this module's words (never that the module is missing).
 */
class AmxKernelProviderTest {

    @Test
    void mathFindsTheProviderOfThisModule() {
        assertEquals("switchyard.kernels.AmxKernelProvider, switchyard.kernels.AmxBf16KernelProvider, switchyard.kernels.Avx512Bf16KernelProvider, "
                + "switchyard.kernels.Avx512KernelProvider",
                ServiceLoader.load(KernelProvider.class).stream().map(p -> p.type().getName()).collect(Collectors.joining(", ")));
        assertEquals(AmxMatMul.unavailableReason(), MatMuls.amxUnavailableReason());
    }

    @Test
    void aCpuWithAmxRunsTheKernel() throws IOException {
        // AmxMatMulTest skips where the kernel cannot run; this makes sure that never hides a build
        // or a loader that lost it on a CPU that has AMX.
        String cpu = Files.readString(Path.of("/proc/cpuinfo"));
        if (cpu.contains(" amx_bf16") && cpu.contains(" amx_tile") && cpu.contains(" avx512_bf16")) {
            assertTrue(AmxMatMul.available(), "this CPU has AMX but: " + AmxMatMul.unavailableReason());
        }
    }

    @Test
    void bestIsTheFastestKernelOnAllProcessors() {
        Class<? extends PooledMatMul> fastest = AmxMatMul.available() ? AmxMatMul.class
                : Avx512MatMul.available() ? Avx512MatMul.class : VectorMatMul.class;
        PooledMatMul best = assertInstanceOf(fastest, MatMuls.best());
        assertEquals(Runtime.getRuntime().availableProcessors(), best.threads());
        assertInstanceOf(fastest, MatMuls.byName("best"));
    }

    @Test
    void amxNamesSelectTheTileKernelOrSayWhyNot() {
        if (AmxMatMul.available()) {
            assertEquals(1, assertInstanceOf(AmxMatMul.class, MatMuls.byName("amx")).threads());
            assertEquals("amx-bf16x3(2 threads)", MatMuls.byName("AMX:2").name());
        } else {
            String message = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName("amx")).getMessage();
            assertTrue(message.contains(AmxMatMul.unavailableReason()), message);
        }
        assertThrows(IllegalArgumentException.class, () -> MatMuls.byName("amx:0"));
    }

    @Test
    void describeNamesTheKernelAndWhyAmxIsNotInUse() {
        MatMul best = MatMuls.best();
        String noAvx512 = Avx512MatMul.available() ? "" : "; no AVX-512 kernel: " + Avx512MatMul.unavailableReason();
        String expected = AmxMatMul.available() ? best.name() : best.name() + " (no AMX: " + AmxMatMul.unavailableReason() + noAvx512 + ")";
        assertEquals(expected, MatMuls.describe(best));
    }
}
