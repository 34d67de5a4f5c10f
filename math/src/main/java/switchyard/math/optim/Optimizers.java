package switchyard.math.optim;

/** Rebuilding an optimizer from a saved state alone, as a checkpoint loader needs. */
public final class Optimizers {

    private Optimizers() {
    }

    /**
     * A new optimizer of the saved kind and hyper-parameters, with the saved state restored.
     *
     * @throws IllegalArgumentException for an unknown kind or invalid hyper-parameters
     */
    public static Optimizer restored(OptimizerState state) {
        Optimizer o = switch (state.kind()) {
            case Sgd.KIND -> new Sgd(Sgd.Config.fromHyperParameters(state.hyperParameters()));
            case Adam.KIND -> new Adam(Adam.Config.fromHyperParameters(state.hyperParameters()));
            default -> throw new IllegalArgumentException("unknown optimizer kind '" + state.kind() + "'");
        };
        o.restore(state);
        return o;
    }
}
