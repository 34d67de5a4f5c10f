package switchyard.actors.driver;

import switchyard.math.placement.LoadHistory;
import switchyard.math.placement.Placement;

/**
 * Where the experts go next. The driver asks after every update, with the tokens each logical
 * expert received in it (every rank and micro-batch), before the ranks step; a new placement takes
 * effect from the next update, the experts moving between the ranks at the update boundary.
 */
@FunctionalInterface
public interface Replanner {
    /**
     * @param update 0-based
     * @param more   whether another update follows (a placement for no update is not worth moving to)
     * @return the placement the next update runs under, or null to keep the current one
     */
    Placement afterUpdate(int update, long[] tokensPerExpert, boolean more);

    /** What a checkpoint keeps of this replanner's state (its load history), or null when it has none. */
    default LoadHistory.Snapshot loads() {
        return null;
    }

    /**
     * A run resumes a checkpoint whose experts are in {@code placement}, with {@code loads} the
     * load history it recorded (null: none): the re-plans that follow are those of the run that
     * wrote it.
     */
    default void resume(Placement placement, LoadHistory.Snapshot loads) {}

    /** The experts stay where they start. */
    Replanner NEVER = (update, tokens, more) -> null;
}
