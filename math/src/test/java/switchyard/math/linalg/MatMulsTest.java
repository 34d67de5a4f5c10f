package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The names {@link MatMuls#byName} gives math's own kernels. The AMX kernel's names are tested in the
 * native module, which provides it, and its absence in {@link MatMulsWithoutNativeModuleTest}.
 */
class MatMulsTest {

    @Test
    void theTestJvmHasTheVectorModule() {
        // Surefire passes --add-modules jdk.incubator.vector; without it the rest of this class is moot.
        assertTrue(MatMuls.vectorApiAvailable());
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
