package switchyard.math.gate;

/** Where the randomness in routing comes from. */
public enum NoisePolicy {
    /** The reference: choices after the first are the argmax of {@code logits + Gumbel(0,1)} (GShard). */
    GUMBEL,
    /** Switch-Transformer style: the router input is multiplied by {@code U(1-eps, 1+eps)} while training; choices are plain argmaxes. */
    JITTER,
    /** Deterministic: every choice is an argmax of the logits. */
    NONE
}
