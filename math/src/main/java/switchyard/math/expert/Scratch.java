package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;

/**
 * Per-thread matrices for intermediates that never leave one call: the hidden-layer gradient of
 * {@link Expert#backward}, and the stacked rows {@link ExpertShard} runs an expert on before
 * cutting the result back into per-source blocks. Allocating them fresh every call meant zeroing
 * (and, for such large arrays, often first faulting in) megabytes per expert per step only to
 * overwrite them. Per thread rather than per expert, so concurrent callers never share one; each
 * grows to the largest shape seen and is then reused.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final FMatrixRMaj hiddenGradient = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj expertOutput = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj outputGradient = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj inputGradient = new FMatrixRMaj(0, 0);

    private Scratch() {}

    /** This thread's hidden-gradient matrix, reshaped to {@code rows × cols}; contents undefined. */
    static FMatrixRMaj hiddenGradient(int rows, int cols) {
        return Buffers.reshapeRows(LOCAL.get().hiddenGradient, rows, cols);
    }

    /** This thread's matrix for an expert's output rows, before they go back to their sources. */
    static FMatrixRMaj expertOutput(int rows, int cols) {
        return Buffers.reshapeRows(LOCAL.get().expertOutput, rows, cols);
    }

    /** This thread's matrix for the output gradients of an expert's rows, stacked from every source. */
    static FMatrixRMaj outputGradient(int rows, int cols) {
        return Buffers.reshapeRows(LOCAL.get().outputGradient, rows, cols);
    }

    /** This thread's matrix for an expert's input gradients, before they go back to their sources. */
    static FMatrixRMaj inputGradient(int rows, int cols) {
        return Buffers.reshapeRows(LOCAL.get().inputGradient, rows, cols);
    }
}
