package switchyard.math.optim;

import java.util.List;

/**
 * Updates parameters in place from their gradients.
 *
 * <p>Per-parameter state (momentum, Adam moments, step counts) is keyed by {@link Param#name()}
 * and allocated the first time a name is seen; after that {@link #step} allocates nothing.
 * Updates are deterministic: the same parameters, gradients and state give bit-identical results.
 */
public interface Optimizer {

    /**
     * Applies one update to every parameter. Names must be distinct, and a name seen before must
     * keep its shape. All parameters are validated before any is modified.
     *
     * @throws IllegalArgumentException on a duplicate name or a shape change (naming both shapes)
     */
    void step(List<Param> params);

    /** A deep snapshot of the current state; later steps do not affect it. */
    OptimizerState state();

    /**
     * Replaces the whole state with a copy of {@code state}, which must come from an optimizer of
     * the same kind and hyper-parameters. Shapes are checked against parameters when they are
     * next stepped; use {@link #restore(OptimizerState, List)} to check them now.
     *
     * @throws IllegalArgumentException if kind, hyper-parameters or buffer layout differ
     */
    void restore(OptimizerState state);

    /**
     * {@link #restore(OptimizerState)} after checking that the state covers exactly
     * {@code params}, with matching shapes.
     */
    default void restore(OptimizerState state, List<Param> params) {
        state.requireMatches(params);
        restore(state);
    }

    /** Kind and hyper-parameters for logs, e.g. {@code "adamw(lr=0.001, beta1=0.9, ...)"}. */
    String describe();
}
