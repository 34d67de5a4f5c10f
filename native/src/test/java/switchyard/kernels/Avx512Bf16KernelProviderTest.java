package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import switchyard.math.linalg.KernelProvider;
import switchyard.math.linalg.MatMuls;
import switchyard.math.linalg.VectorMatMul;

/**
 * The AVX512-BF16 kernel behind math's {@link KernelProvider} seam: found under its name, runs on
 * every CPU that has the instructions (so that {@link Avx512Bf16MatMulTest} skipping never hides a
 * lost library), and never taken as anyone's default, since it rounds operands to bfloat16.
 */
class Avx512Bf16KernelProviderTest {

    private static KernelProvider provider() {
        return ServiceLoader.load(KernelProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("avx512bf16")).findFirst().orElseThrow();
    }

    @Test
    void theProviderIsFoundByNameAndSaysWhatTheKernelSays() {
        KernelProvider provider = provider();
        assertInstanceOf(Avx512Bf16KernelProvider.class, provider);
        assertEquals(Avx512Bf16MatMul.unavailableReason(), provider.unavailableReason());
        if (Avx512Bf16MatMul.available()) {
            assertEquals("avx512-bf16(2 threads)", provider.withThreads(2).name());
            assertEquals("avx512-bf16(1 thread)", provider.withThreads(1).name());
        } else {
            String message = assertThrows(IllegalStateException.class, () -> provider.withThreads(1)).getMessage();
            assertTrue(message.contains(Avx512Bf16MatMul.unavailableReason()), message);
        }
    }

    @Test
    void aCpuWithAvx512Bf16RunsTheKernel() throws IOException {
        String cpu = Files.readString(Path.of("/proc/cpuinfo"));
        boolean switchedOff = "off".equalsIgnoreCase(System.getProperty("switchyard.avx512bf16", "on"));
        if (cpu.contains(" avx512_bf16") && cpu.contains(" avx512bw") && cpu.contains(" avx512vl") && !switchedOff) {
            assertTrue(Avx512Bf16MatMul.available(), "this CPU has AVX512-BF16 but: " + Avx512Bf16MatMul.unavailableReason());
        }
    }

    @Test
    void theBestKernelStaysFloat32() {
        if (MatMuls.amxUnavailableReason() != null) {
            Class<?> float32 = Avx512MatMul.available() ? Avx512MatMul.class : VectorMatMul.class;
            assertInstanceOf(float32, MatMuls.best());
        }
    }

    @Test
    void theSystemPropertySwitchesTheKernelOff() throws Exception {
        // In a JVM of its own: this one has loaded the kernel already.
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaCommand, "-Dswitchyard.avx512bf16=off", "-cp", System.getProperty("java.class.path"),
                PrintReason.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        assertEquals("false: switched off with -Dswitchyard.avx512bf16=off", out);
    }

    /** Prints whether the kernel is available, and why not. */
    public static final class PrintReason {
        public static void main(String[] args) {
            System.out.println(Avx512Bf16MatMul.available() + ": " + Avx512Bf16MatMul.unavailableReason());
        }
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        if (Avx512Bf16MatMul.available()) {
            assertThrows(IllegalArgumentException.class, () -> Avx512Bf16MatMul.withThreads(0));
        }
    }
}
