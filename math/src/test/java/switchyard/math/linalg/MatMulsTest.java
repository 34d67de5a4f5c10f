package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MatMulsTest {

    @Test
    void theTestJvmHasTheVectorModule() {
        // Surefire passes --add-modules jdk.incubator.vector; without it the rest of this class is moot.
        assertTrue(MatMuls.vectorApiAvailable());
    }

    @Test
    void bestIsTheFastestKernelOnAllProcessors() {
        Class<? extends PooledMatMul> fastest = AmxMatMul.available() ? AmxMatMul.class : VectorMatMul.class;
        PooledMatMul best = assertInstanceOf(fastest, MatMuls.best());
        assertEquals(Runtime.getRuntime().availableProcessors(), best.threads());
        assertInstanceOf(fastest, MatMuls.byName("best"));
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
    void namesSelectImplementationsAndThreadCounts() {
        assertInstanceOf(EjmlMatMul.class, MatMuls.byName("ejml"));
        assertInstanceOf(EjmlMatMul.class, MatMuls.ejml());
        assertEquals("ejml", MatMuls.byName(" EJML ").name());
        assertEquals(1, assertInstanceOf(VectorMatMul.class, MatMuls.byName("vector")).threads());
        assertEquals(3, assertInstanceOf(VectorMatMul.class, MatMuls.byName("vector:3")).threads());
        assertEquals("vector(2 threads)", MatMuls.byName("Vector:2").name());
        assertEquals("vector(1 thread)", MatMuls.byName("vector:1").name());
    }

    @Test
    void unknownNamesListWhatIsAccepted() {
        for (String bad : new String[] {"blas", "", "vector:", "vector:0", "vector:-2", "vector:two", "ejml:2"}) {
            String message = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName(bad)).getMessage();
            assertTrue(message.contains("'" + bad + "'") && message.contains(MatMuls.ACCEPTED_NAMES), message);
        }
        assertThrows(IllegalArgumentException.class, () -> MatMuls.byName(null));
    }

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> VectorMatMul.withThreads(0));
    }
}
