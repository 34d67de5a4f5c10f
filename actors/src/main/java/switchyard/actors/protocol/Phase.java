package switchyard.actors.protocol;

/**
 * The stages of one step on one rank. Each gather ({@code DISPATCH} … {@code INPUT_GRAD}) waits
 * for one message from every rank and has its own deadline.
 */
public enum Phase {
    /**
     * The rank makes its own tokens from the driver's description (synthetic task, noise). Peers
     * wait for it in their {@code DISPATCH}; counted here so that reports do not blame the network.
     */
    BATCH,
    /** The gate actor routes the rank's tokens. */
    ROUTE,
    /** Expert side: a {@code Dispatch} from every source rank. */
    DISPATCH,
    /** Expert side: running the local experts forward. */
    EXPERT_FORWARD,
    /** Token side: the expert outputs from every owner rank. */
    EXPERT_OUTPUT,
    /** Token side: combine and loss. */
    COMBINE,
    /** Expert side: the output gradients from every source rank. */
    OUTPUT_GRAD,
    /** Expert side: running the local experts backward. */
    EXPERT_BACKWARD,
    /** Token side: the input gradients from every owner rank. */
    INPUT_GRAD,
    /** The gate actor's backward pass. */
    GATE_BACKWARD,
    /** Applying the optimizer after the step. */
    UPDATE,
    /** Token side: the shared experts, forward and backward, while the routed rows travel. */
    SHARED
}
