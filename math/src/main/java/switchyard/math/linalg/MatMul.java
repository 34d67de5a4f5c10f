package switchyard.math.linalg;

import java.util.function.IntConsumer;
import org.ejml.data.FMatrixRMaj;

/**
 * Dense float32 matrix products on row-major {@link FMatrixRMaj}, the only place Switchyard's
 * hot loops live. Two implementations exist (EJML, and a register-blocked kernel on the JDK
 * Vector API); tests hold them to each other.
 *
 * <p>Contract shared by every method:
 * <ul>
 *   <li>{@code c} is the output and must not alias {@code a} or {@code b}. Unless
 *       {@code accumulate} is true it is reshaped to the result shape (EJML's reshape keeps the
 *       backing array when it is large enough, so callers can reuse buffers); when accumulating
 *       it must already have the result shape.</li>
 *   <li>Results are <b>deterministic</b>: each output element is summed in an order fixed by the
 *       shapes alone, never by the thread count or scheduling, so a run is bit-reproducible on
 *       any machine with the same kernel. (The reduction dimension is never split across threads.)</li>
 *   <li>Shape mismatches throw {@link IllegalArgumentException} naming both shapes (and a
 *       rejected call leaves {@code c} untouched).</li>
 *   <li>Empty shapes are legal: with k = 0 every sum is empty, so {@code c} becomes zeros (or is
 *       left as is when accumulating) and {@code mulBias} yields {@code act(bias)} in every row;
 *       with m = 0 or n = 0 {@code c} is just reshaped.</li>
 * </ul>
 *
 * <p>Use {@link MatMuls#best()} to get the fastest implementation this JVM can run.
 */
public interface MatMul {

    /** {@code c (+)= a · b}; a is [m×k], b is [k×n], c is [m×n]. */
    void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate);

    /** {@code c (+)= aᵀ · b}; a is [k×m], b is [k×n], c is [m×n]. Weight gradients: {@code dW = xᵀ·dy}. */
    void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate);

    /** {@code c (+)= a · bᵀ}; a is [m×k], b is [n×k], c is [m×n]. Input gradients: {@code dx = dy·Wᵀ}. */
    void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate);

    /**
     * {@code c = act(a · b + bias)} with {@code bias} ([1×n]) added to every row and
     * {@code act} = ReLU when {@code relu}, identity otherwise: the expert layer with its
     * epilogue fused so the output is written once.
     */
    void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c);

    /** Threads a large product is shared over, the caller included (1 for kernels that share nothing). */
    default int threads() {
        return 1;
    }

    /** Short name for logs and benchmark tables, e.g. {@code "ejml"} or {@code "vector(2 threads)"}. */
    String name();

    /**
     * Runs tasks {@code 0 … count−1}, each once, over the threads this kernel multiplies on, and
     * returns once all are done (rethrowing the first failure). Tasks are independent work made of
     * products on this kernel (one expert's each) and must not touch each other's data. Thread
     * counts never change a product's arithmetic, so a task computes the same bits whichever thread
     * runs it and whatever runs beside it.
     *
     * <p>For work made of many products each too small to share well between threads (when a rank
     * holds many small experts): side by side, every thread runs whole products with no hand-off
     * inside them. The default runs the tasks in order on the calling thread.
     */
    default void runEach(int count, IntConsumer task) {
        if (count < 0) {
            throw new IllegalArgumentException("cannot run " + count + " tasks");
        }
        for (int i = 0; i < count; i++) {
            task.accept(i);
        }
    }
}
