package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.BufferPool;
import switchyard.math.tensor.Buffers;

/**
 * Matrices for intermediates that never leave one call of {@link ExpertShard}: the stacked rows an
 * expert runs on before the result is cut back into per-source blocks, and the hidden-layer
 * gradient of {@link Expert#backward}. Allocating them fresh every call would zero (and, for
 * such large arrays, often first fault in) megabytes per expert per step only to overwrite them.
 * Each grows to the largest shape it has seen and is then reused.
 *
 * <p>A call takes a set from a pool shared by every thread and gives it back when it is done, so
 * concurrent calls never share one and there are as many sets as calls ever ran at once. A set
 * per thread would not do: which threads of a dispatcher run an expert is up to the dispatcher, and
 * a thread that ran its first expert backward after the warm-up steps would allocate its set
 * (megabytes at the large configuration) inside a bench's measured window.
 */
final class Scratch {
    private static final BufferPool<Scratch> IDLE = new BufferPool<>(Scratch::new, Scratch::poison);

    private final FMatrixRMaj hiddenGradient = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj expertOutput = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj outputGradient = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj inputGradient = new FMatrixRMaj(0, 0);

    private Scratch() {}

    /** An idle set, or a new one: the caller's alone until it {@link #release}s it. */
    static Scratch take() {
        synchronized (IDLE) {
            return IDLE.take();
        }
    }

    /** Gives the set back; nothing may read or write its matrices after this. */
    void release() {
        synchronized (IDLE) {
            IDLE.release(this);
        }
    }

    /** Sets in the pool, not taken (for tests). */
    static int idle() {
        synchronized (IDLE) {
            return IDLE.idle();
        }
    }

    /** The hidden-gradient matrix, reshaped to {@code rows × cols}; contents undefined. */
    FMatrixRMaj hiddenGradient(int rows, int cols) {
        return Buffers.reshapeRows(hiddenGradient, rows, cols);
    }

    /** The matrix for an expert's output rows, before they go back to their sources. */
    FMatrixRMaj expertOutput(int rows, int cols) {
        return Buffers.reshapeRows(expertOutput, rows, cols);
    }

    /** The matrix for the output gradients of an expert's rows, stacked from every source. */
    FMatrixRMaj outputGradient(int rows, int cols) {
        return Buffers.reshapeRows(outputGradient, rows, cols);
    }

    /** The matrix for an expert's input gradients, before they go back to their sources. */
    FMatrixRMaj inputGradient(int rows, int cols) {
        return Buffers.reshapeRows(inputGradient, rows, cols);
    }

    private static void poison(Scratch s) {
        Buffers.poison(s.hiddenGradient);
        Buffers.poison(s.expertOutput);
        Buffers.poison(s.outputGradient);
        Buffers.poison(s.inputGradient);
    }
}
