package switchyard.math.optim;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What SGD and Adam share: name-keyed slots, validation before update, state snapshot/restore. */
abstract class SlotOptimizer implements Optimizer {

    private final String kind;
    private final SlotTable slots;

    SlotOptimizer(String kind, String... bufferNames) {
        this.kind = kind;
        this.slots = new SlotTable(bufferNames);
    }

    /** The hyper-parameters as stored in the state; restore requires them to be identical. */
    abstract Map<String, Double> hyperParameters();

    /** Updates one parameter in place; {@code slot.steps} already counts this update. */
    abstract void update(Param p, SlotTable.Slot slot);

    @Override
    public final void step(List<Param> params) {
        Objects.requireNonNull(params, "params");
        SlotTable.Slot[] resolved = slots.resolve(params);
        for (int i = 0; i < params.size(); i++) {
            resolved[i].steps++;
            update(params.get(i), resolved[i]);
        }
    }

    @Override
    public final OptimizerState state() {
        return new OptimizerState(kind, hyperParameters(), slots.steps(), slots.snapshotParams());
    }

    @Override
    public final void restore(OptimizerState state) {
        if (!state.kind().equals(kind)) {
            throw new IllegalArgumentException("state was saved by a '" + state.kind() + "' optimizer, this is '"
                    + kind + "'");
        }
        HyperParameters.requireSame(kind, hyperParameters(), state.hyperParameters());
        slots.load(state, describe());
    }

    @Override
    public String toString() {
        return describe();
    }
}
