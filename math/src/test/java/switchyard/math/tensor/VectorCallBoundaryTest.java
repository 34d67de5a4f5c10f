package switchyard.math.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import org.junit.jupiter.api.Test;

/**
 * No method of the math module takes or returns a vector or a mask. C2 does not inline a callee it
 * has already compiled on its own into a large method, and a vector that crosses a call that is not
 * inlined is a heap object: whether that happened depended on the order in which the JIT met the
 * methods, and a JVM where it did allocated 3 KB per token per step for as long as it ran. Kernels
 * keep their vectors inside one method and pass arrays between methods.
 */
class VectorCallBoundaryTest {

    @Test
    void noMethodPassesVectorsAcrossACall() throws Exception {
        List<String> crossing = new ArrayList<>();
        List<Class<?>> classes = mathClasses();
        for (Class<?> c : classes) {
            for (Method m : c.getDeclaredMethods()) {
                boolean vectorIn = Stream.of(m.getParameterTypes()).anyMatch(VectorCallBoundaryTest::isVector);
                if (vectorIn || isVector(m.getReturnType())) crossing.add(c.getName() + "." + m.getName());
            }
        }
        assertTrue(classes.size() > 50, "found only " + classes.size() + " classes of the math module");
        assertEquals(List.of(), crossing, "methods that pass vectors or masks across a call");
    }

    @Test
    void theCheckSeesAVectorParameter() throws Exception {
        // the check itself: a method like the ones it forbids is found
        Method m = VectorCallBoundaryTest.class.getDeclaredMethod("example", jdk.incubator.vector.FloatVector.class);
        assertTrue(Stream.of(m.getParameterTypes()).anyMatch(VectorCallBoundaryTest::isVector));
    }

    @SuppressWarnings("unused")
    private static float example(jdk.incubator.vector.FloatVector v) {
        return v.lane(0);
    }

    private static boolean isVector(Class<?> type) {
        return Vector.class.isAssignableFrom(type) || VectorMask.class.isAssignableFrom(type);
    }

    /** Every class compiled from the module's main sources (the directory UniformNoise was loaded from). */
    private static List<Class<?>> mathClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(UniformNoise.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                classes.add(Class.forName(name, false, VectorCallBoundaryTest.class.getClassLoader()));
            }
        }
        return classes;
    }
}
