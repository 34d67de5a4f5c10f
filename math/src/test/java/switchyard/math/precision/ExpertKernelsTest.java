package switchyard.math.precision;

import org.junit.jupiter.api.Test;
import switchyard.math.linalg.MatMuls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which kernel the expert products get for a kernel name and a precision (math alone: no native module). */
class ExpertKernelsTest {

    @Test
    void precisionsParseByTheirLabelsInAnyCase() {
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        assertEquals(Precision.BF16, Precision.parse(" BF16 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
        assertTrue(e.getMessage().contains("fp16") && e.getMessage().contains("fp32, bf16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Precision.parse(null));
    }

    @Test
    void float32KeepsTheNamedKernel() {
        assertEquals(MatMuls.byName("ejml").name(), ExpertKernels.byName("ejml", Precision.FP32).name());
        assertEquals(MatMuls.byName("vector:3").name(), ExpertKernels.byName("vector:3", Precision.FP32).name());
    }

    @Test
    void bfloat16OnJavaKernelsRoundsTheirOperands() {
        assertInstanceOf(Bf16Operands.class, ExpertKernels.byName("ejml", Precision.BF16));
        assertEquals("bf16 operands on " + MatMuls.byName("vector:2").name(), ExpertKernels.byName("vector:2", Precision.BF16).name());
    }

    @Test
    void withoutANativeModuleBestFallsBackAndSaysWhy() {
        // math's own tests run without the native module on the class path
        assertInstanceOf(Bf16Operands.class, ExpertKernels.byName("best", Precision.BF16));
        String line = ExpertKernels.describe("best", Precision.BF16);
        assertTrue(line.startsWith("bf16 on bf16 operands on ") && line.contains("no native bfloat16 kernel"), line);
        assertTrue(ExpertKernels.describe("ejml", Precision.FP32).startsWith("fp32 on ejml"));
    }

    @Test
    void badKernelNamesAreRefusedAtEitherPrecision() {
        for (Precision p : Precision.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExpertKernels.byName("cuda", p));
            assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        }
    }
}
