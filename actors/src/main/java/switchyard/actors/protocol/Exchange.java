package switchyard.actors.protocol;

import java.util.Locale;

/**
 * The four all-to-all exchanges of a training step, in step order (and in the order of
 * {@link StepReport#rowsSent}'s first index). Two go from the token side of a source rank to the
 * expert side of an owner rank, and each is answered along the same route.
 */
public enum Exchange {
    /** Source → owner: the tokens routed to the owner's experts. */
    DISPATCH,
    /** Owner → source: the expert outputs for those rows. */
    EXPERT_OUTPUT,
    /** Source → owner: gradients of the expert outputs, along the forward route. */
    OUTPUT_GRAD,
    /** Owner → source: gradients of the dispatched inputs. */
    INPUT_GRAD;

    /** Whether parts of this exchange go from a source's token side to an owner's experts. */
    public boolean toOwner() {
        return this == DISPATCH || this == OUTPUT_GRAD;
    }

    /** The exchange that answers this one along the same route (for the two that go to owners). */
    public Exchange answer() {
        return switch (this) {
            case DISPATCH -> EXPERT_OUTPUT;
            case OUTPUT_GRAD -> INPUT_GRAD;
            default -> throw new IllegalStateException(this + " is itself an answer");
        };
    }

    /** {@code ExpertOutput} etc.: the name of one of its messages in refusals and failures. */
    public String messageName() {
        return switch (this) {
            case DISPATCH -> "Dispatch";
            case EXPERT_OUTPUT -> "ExpertOutput";
            case OUTPUT_GRAD -> "OutputGradient";
            case INPUT_GRAD -> "InputGradient";
        };
    }

    /** {@code expert-output} etc.: the name in reports and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
