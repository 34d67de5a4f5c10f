package switchyard.actors.rank;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.layer.StepBuffers;
import switchyard.math.tensor.Buffers;

/**
 * The buffers of one step in flight on one rank: the layer's (routing, token side, expert side),
 * the step's tokens, what they are scored against, and {@code dLoss/doutput}. Taken from the rank's
 * pool when the step opens, given back when it retires.
 *
 * <p>Parts are lent to other actors without copying: each block of the token side travels to its
 * owner with the dispatch and comes back with the outputs (lent again with the output gradients,
 * back with the input gradients), and the routing buffers and the input-gradient matrix go to the
 * gate actor and come back with its answer. A reply along the route means the borrower is done
 * with the buffer. The arena may be reused only once everything it lent has come back; a step that
 * ends early (failed, aborted) may leave a piece with a late reader, and its arena is then left to
 * the garbage collector rather than reused.
 */
final class StepArena {
    final StepBuffers layer = new StepBuffers();
    final FMatrixRMaj tokens = new FMatrixRMaj(0, 0);
    final FMatrixRMaj target = new FMatrixRMaj(0, 0);
    final FMatrixRMaj outputGradient = new FMatrixRMaj(0, 0);
    private int onLoan;
    private boolean miscounted;

    /** One piece of the arena went to another actor. */
    void lend() {
        onLoan++;
    }

    /** A borrower answered: it no longer reads or writes the piece it had. */
    void returned() {
        if (onLoan == 0) miscounted = true; // cannot happen by the protocol; if it does, never trust this arena again
        else onLoan--;
    }

    /** Whether no other actor holds a piece of this arena, so it may be reused. */
    boolean allReturned() {
        return onLoan == 0 && !miscounted;
    }

    /** Overwrites everything with NaN or -1 (see {@code BufferPool}). */
    void poison() {
        layer.poison();
        Buffers.poison(tokens);
        Buffers.poison(target);
        Buffers.poison(outputGradient);
    }
}
