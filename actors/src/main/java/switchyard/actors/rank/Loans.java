package switchyard.actors.rank;

/**
 * Which pieces of a step's {@link StepArena} are with another actor right now. The token side lends
 * each owner rank its block (with the dispatch, back with the expert outputs; again with the output
 * gradients, back with the input gradients) and lends the gate actor the routing buffers and the
 * input-gradient matrix (back with its answer). Each {@link Piece} is lent and returned by name, so
 * a return that matches no loan is seen for what it is, and the arena is then never reused.
 */
final class Loans {
    /** A piece of the arena that travels to another actor and comes back with its answer. */
    sealed interface Piece permits GateBuffers, OwnerBlock {}

    /** The routing buffers (routing), or the routing, {@code dLoss/dw} and input-gradient matrix (gate backward). */
    enum GateBuffers implements Piece { WITH_GATE }

    /** The block of rows for owner rank {@code owner}. */
    record OwnerBlock(int owner) implements Piece {}

    private final boolean[] withOwner;
    private boolean withGate;
    private boolean unsound;

    Loans(int worldSize) {
        this.withOwner = new boolean[worldSize];
    }

    /** {@code piece} leaves with a message; it may not already be out. */
    void lend(Piece piece) {
        if (set(piece, true)) unsound = true;
    }

    /** The answer that returns {@code piece} arrived: its borrower no longer reads or writes it. */
    void returned(Piece piece) {
        if (!set(piece, false)) unsound = true;
    }

    /** Whether nothing is out and nothing came back that was not lent, so the arena may be reused. */
    boolean allHome() {
        if (unsound || withGate) return false;
        for (boolean out : withOwner) if (out) return false;
        return true;
    }

    /** Marks {@code piece} out or home; returns whether it was out before. */
    private boolean set(Piece piece, boolean out) {
        boolean was;
        if (piece instanceof OwnerBlock b) {
            was = withOwner[b.owner()];
            withOwner[b.owner()] = out;
        } else {
            was = withGate;
            withGate = out;
        }
        return was;
    }
}
