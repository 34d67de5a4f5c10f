package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.layer.StepBuffers;
import switchyard.math.tensor.Buffers;

/**
 * The buffers of one step in flight on one rank: the layer's (routing, token side, expert side),
 * the step's tokens, what they are scored against, and {@code dLoss/doutput}. Taken from the rank's
 * pool when the step opens, given back when it retires.
 *
 * <p>Pieces are lent to other actors without copying, and the {@link Loans} say which are out. A
 * step that ends early (failed, aborted) may leave a piece with a late reader; its arena is then
 * left to the garbage collector rather than reused.
 */
final class StepArena {
    final StepBuffers layer = new StepBuffers();
    final FMatrixRMaj tokens = new FMatrixRMaj(0, 0);
    final FMatrixRMaj target = new FMatrixRMaj(0, 0);
    final FMatrixRMaj outputGradient = new FMatrixRMaj(0, 0);
    final Loans loans;

    StepArena(int worldSize) {
        this.loans = new Loans(worldSize);
    }

    /** Overwrites everything with NaN or -1 (see {@code BufferPool}). */
    void poison() {
        layer.poison();
        Buffers.poison(tokens);
        Buffers.poison(target);
        Buffers.poison(outputGradient);
    }
}
