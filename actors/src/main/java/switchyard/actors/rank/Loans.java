package switchyard.actors.rank;

/**
 * Which pieces of a step's {@link StepArena} are with another actor right now. The token side lends
 * each owner rank its block (with the dispatch, back with the expert outputs; again with the output
 * gradients, back with the input gradients) and lends the gate actor the routing buffers and the
 * input-gradient matrix (back with its answer). Each piece is lent and returned by name, so a
 * return that matches no loan is seen for what it is, and the arena is then never reused.
 */
final class Loans {
    private final boolean[] withOwner;
    private boolean withGate;
    private boolean unsound;

    Loans(int worldSize) {
        this.withOwner = new boolean[worldSize];
    }

    /** The block for {@code owner} travels to it until its answer comes home. */
    void toOwner(int owner) {
        if (withOwner[owner]) unsound = true;
        withOwner[owner] = true;
    }

    /** {@code owner} answered in (or copied from) the block it was lent. */
    void backFromOwner(int owner) {
        if (!withOwner[owner]) unsound = true;
        withOwner[owner] = false;
    }

    /** The gate actor holds the routing buffers or the input-gradient matrix until it answers. */
    void toGate() {
        if (withGate) unsound = true;
        withGate = true;
    }

    void backFromGate() {
        if (!withGate) unsound = true;
        withGate = false;
    }

    /** Whether nothing is out and nothing came back that was not lent, so the arena may be reused. */
    boolean allHome() {
        if (unsound || withGate) return false;
        for (boolean out : withOwner) if (out) return false;
        return true;
    }
}
