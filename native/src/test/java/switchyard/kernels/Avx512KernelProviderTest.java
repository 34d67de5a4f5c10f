package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;
import switchyard.math.precision.Precision;

/**
 * The AVX-512 float32 kernel behind math's seam: named {@code avx512} (and {@code avx512:N}) by
 * {@link MatMuls}, running on every CPU with AVX-512 (so that {@link Avx512MatMulTest} skipping
 * never hides a lost library), refused with the reason elsewhere, and switched off by its
 * system property.
 */
class Avx512KernelProviderTest {

    @Test
    void mathNamesTheKernelOrSaysWhyNot() {
        if (Avx512MatMul.available()) {
            assertEquals("avx512(1 thread)", assertInstanceOf(Avx512MatMul.class, MatMuls.byName("avx512")).name());
            assertEquals("avx512(3 threads)", MatMuls.byName("AVX512:3").name());
            assertEquals(null, MatMuls.providedUnavailableReason("avx512"));
        } else {
            String message = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName("avx512:2")).getMessage();
            assertTrue(message.contains(Avx512MatMul.unavailableReason()), message);
        }
        String badCount = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName("avx512:0")).getMessage();
        assertTrue(badCount.contains("bad thread count"), badCount);
    }

    @Test
    void atBfloat16TheNameTakesTheAvx512Bf16Kernel() {
        if (Avx512MatMul.available() && Avx512Bf16MatMul.available()) {
            assertEquals("avx512-bf16(2 threads)", ExpertKernels.byName("avx512:2", Precision.BF16).name());
        }
        if (Avx512MatMul.available()) {
            assertEquals("avx512(2 threads)", ExpertKernels.byName("avx512:2", Precision.FP32).name());
        }
    }

    @Test
    void aCpuWithAvx512RunsTheKernel() throws IOException {
        String cpu = Files.readString(Path.of("/proc/cpuinfo"));
        boolean switchedOff = "off".equalsIgnoreCase(System.getProperty("switchyard.avx512", "on"));
        if (cpu.contains(" avx512f") && cpu.contains(" avx512bw") && cpu.contains(" avx512vl") && !switchedOff) {
            assertTrue(Avx512MatMul.available(), "this CPU has AVX-512 but: " + Avx512MatMul.unavailableReason());
        }
    }

    @Test
    void theSystemPropertySwitchesTheKernelOffAndBestFallsBackToTheVectorKernel() throws Exception {
        // In a JVM of its own: this one has loaded the kernel already.
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaCommand, "--add-modules", "jdk.incubator.vector", "-Dswitchyard.avx512=off",
                "-Dswitchyard.amx=off", "-cp", System.getProperty("java.class.path"), PrintReason.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        assertEquals("false: switched off with -Dswitchyard.avx512=off; best: vector", out);
    }

    /** Prints whether the kernel is available, why not, and which kind of kernel is best. */
    public static final class PrintReason {
        public static void main(String[] args) {
            String best = MatMuls.best().name();
            System.out.println(Avx512MatMul.available() + ": " + Avx512MatMul.unavailableReason() + "; best: "
                    + best.substring(0, best.indexOf('(')));
        }
    }
}
