package switchyard.math.linalg;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import switchyard.math.testing.ThreadAllocation;
import switchyard.math.tensor.Rows;
import switchyard.math.tensor.VectorMath;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row passes outside the matrix kernels allocate nothing when C2 has few inlining levels left.
 * A layer's pass may be compiled inside a deep caller (the rank's message handler, a lambda, the
 * expert), leaving few levels for the Vector API's own chain of calls; a scalar operand in a loop
 * is broadcast through the deepest such chain, and when it was cut off every iteration allocated
 * its operand (24 KB per token in some large training runs, from the ReLU mask's 0). A child JVM
 * with {@code -XX:MaxInlineLevel} 6 or 4 makes such a cut-off certain: with scalar operands in their
 * loops, the mask allocated 196,608 bytes per call at 6 and the row updates 6-15 KB at 4. Not
 * every depth is safe: at 3 the mask's compare and blend themselves are cut off. The row updates
 * also allocated at 4 when the mask had run first and the weight vector was the multiply's
 * argument (see {@link Rows#addScaled}). The finite check ({@link VectorMath#allFinite}), which every
 * gradient passes each step, allocated 776 bytes per call at 6 while it asked {@code test(IS_NAN)},
 * which reinterprets the lanes as integers.
 */
class ShallowInliningAllocationTest {

    @Test
    void reluMaskRowUpdatesAndFiniteChecksAllocateNothingWithFewInliningLevels() throws IOException, InterruptedException {
        Assumptions.assumeTrue(ThreadAllocation.counted(), "this JVM does not count allocation per thread");
        Assumptions.assumeTrue(MatMuls.vectorApiAvailable(), "no Vector API in this JVM");
        for (int levels : new int[] {6, 4}) assertNothingAllocatedWith(levels);
    }

    private static void assertNothingAllocatedWith(int inliningLevels) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // Each pass is compiled on its own (dontinline), with the given levels for its own chain of
        // calls, and -Xbatch makes a call that reaches a compile threshold wait for the compiled
        // code, so the measured calls run C2's code. Without them what was measured depended on
        // timing: a pass's own compiled code, the measuring loop's (the pass inlined, with fewer
        // levels left) or C1's, which allocates every vector. Most runs read 0; one CI run read
        // 6,144 bytes a call of addScaled at 4.
        Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xbatch",
                "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=dontinline,switchyard.math.linalg.ColumnSums::reluMaskAndAdd",
                "-XX:CompileCommand=dontinline,switchyard.math.tensor.Rows::addScaled*",
                "-XX:CompileCommand=dontinline,switchyard.math.tensor.VectorMath::allFinite",
                "-XX:MaxInlineLevel=" + inliningLevels,
                "-cp", System.getProperty("java.class.path"), Passes.class.getName())
                .redirectErrorStream(true).start();
        boolean ended = child.waitFor(2, TimeUnit.MINUTES);
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) child.destroyForcibly();
        assertTrue(ended, "the child JVM did not finish in 2 minutes: " + out);
        assertEquals(0, child.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("bytes per call")).toList();
        assertEquals(4, lines.size(), out);
        for (String line : lines) {
            double bytes = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            assertTrue(bytes < 1, line + " with MaxInlineLevel=" + inliningLevels);
        }
    }

    /** Runs each pass past C2's thresholds, then prints the bytes one more call allocates on average. */
    public static final class Passes {
        /** Kept, so that nothing can drop the check's result. */
        static boolean finite = true;

        public static void main(String[] args) {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            FMatrixRMaj activation = new FMatrixRMaj(64, 512), grad = new FMatrixRMaj(64, 512), into = new FMatrixRMaj(1, 512);
            for (int i = 0; i < activation.data.length; i++) activation.data[i] = i % 3 - 1;
            float[] src = new float[4 * 512], dst = new float[512];
            Runnable[] passes = {
                () -> ColumnSums.reluMaskAndAdd(activation, grad, into),
                () -> Rows.addScaled(src, 0, 0.5f, dst, 0, 512),
                () -> Rows.addScaled4(src, 0, 512, 0.5f, 1f, 2f, 3f, dst, 0, 512),
                () -> finite &= VectorMath.allFinite(src, 0, 512),
            };
            String[] names = {"reluMaskAndAdd", "addScaled", "addScaled4", "allFinite"};
            for (int p = 0; p < passes.length; p++) {
                for (int i = 0; i < 40_000; i++) passes[p].run(); // past C2's thresholds
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 2_000; i++) passes[p].run();
                System.out.println("bytes per call of " + names[p] + " " + (threads.getCurrentThreadAllocatedBytes() - before) / 2_000.0);
            }
            System.out.println("all finite: " + finite);
        }
    }
}
