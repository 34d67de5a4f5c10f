package switchyard.actors.protocol;

import java.util.Locale;

/** The four all-to-all exchanges of a training step, in the order of {@link StepReport#rowsSent}'s first index. */
public enum Exchange {
    /** Source → owner: the tokens routed to the owner's experts. */
    DISPATCH,
    /** Owner → source: the expert outputs for those rows. */
    EXPERT_OUTPUT,
    /** Source → owner: gradients of the expert outputs, along the forward route. */
    OUTPUT_GRAD,
    /** Owner → source: gradients of the dispatched inputs. */
    INPUT_GRAD;

    /** {@code expert-output} etc.: the name in reports and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
