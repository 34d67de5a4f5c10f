package switchyard.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * Loads one of this module's native libraries (built by src/main/c/build.sh into the classes, so
 * into the jar) and says why not when it cannot: shared by {@link AmxNative},
 * {@link Avx512Bf16Native} and {@link Avx512Native}, which then ask their own library whether the
 * CPU can run it.
 */
final class JarLibrary {

    private JarLibrary() {
    }

    /**
     * Null when the library {@code file} is loaded and its kernel can run here; otherwise why not.
     * The system property {@code switchyard.<switchName>=off} switches the kernel off before
     * anything is loaded; {@code init} asks the loaded library, and {@code reason} turns its
     * non-zero answer into words.
     */
    static String loadAndAsk(String file, String what, String switchName, IntSupplier init, IntFunction<String> reason) {
        String property = "switchyard." + switchName;
        if ("off".equalsIgnoreCase(System.getProperty(property, "on").trim())) {
            return "switched off with -D" + property + "=off";
        }
        String notLoaded = load(file, what);
        if (notLoaded != null) {
            return notLoaded;
        }
        int status;
        try {
            status = init.getAsInt();
        } catch (UnsatisfiedLinkError e) { // a library from another build, without this entry point
            return "could not ask " + what + " whether it can run: " + e.getMessage();
        }
        return status == 0 ? null : reason.apply(status);
    }

    /**
     * Why an AVX-512 kernel cannot run, from the status its detection (avx512_detect.h) answered.
     */
    static String avx512Refusal(int status, String what) {
        return switch (status) {
            case 1 -> "this CPU lacks AVX-512 (F, BW and VL)";
            case 2 -> "this CPU has no AVX512-BF16";
            case 3 -> "the operating system does not save AVX-512 register state";
            default -> what + " answered " + status + " when asked whether it can run";
        };
    }

    /**
     * Loads {@code /native/linux-x86_64/<file>}; null when loaded, otherwise why not, in words for
     * a log line that names the kernel as {@code what} (e.g. "the AMX kernel").
     */
    static String load(String file, String what) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return what + " is built for Linux x86-64 only (this is " + os + " " + arch + ")";
        }
        URL url = JarLibrary.class.getResource("/native/linux-x86_64/" + file);
        if (url == null) {
            return "this build has no " + what.replaceFirst("^the ", "") + " (no C compiler when it was built?)";
        }
        try {
            loadFrom(url, file, System::load);
            return null;
        } catch (IOException | URISyntaxException | UnsatisfiedLinkError | SecurityException e) {
            return "could not load " + what + ": " + e.getMessage();
        }
    }

    /**
     * Hands {@code loader} the library as a file: where it lies when run from classes, else a copy
     * out of the jar that is deleted as soon as it is loaded, whether or not that worked. Linux keeps
     * a loaded library's mapping after its file is gone, and a copy left for the JVM's exit to
     * delete stayed behind whenever a JVM was killed or halted (a node's exit, a test's kill -9).
     */
    static void loadFrom(URL url, String file, Consumer<String> loader) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) {
            loader.accept(Path.of(url.toURI()).toString());
            return;
        }
        Path copy = Files.createTempFile(file.replace(".so", "-"), ".so");
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            loader.accept(copy.toString());
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
