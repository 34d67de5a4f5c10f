package switchyard.actors.rank;

import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.layer.ModelInit;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.Param;
import switchyard.math.optim.OptimizerState;
import switchyard.math.optim.ParamState;
import switchyard.math.placement.Placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The routed experts in one rank's slots under the job's placement, and their optimizer state.
 * Each slot steps with its own optimizer: two replicas of one expert on a rank carry the same
 * parameter names ({@code expert<e>.W1}), and an optimizer keys its state by name. Every
 * parameter's state is its own (Adam counts its steps per parameter), so this steps exactly as
 * one optimizer over all the slots would, and {@link #optimizerState()} is the state that one
 * optimizer would have: replicas hold identical state, so merging them by name loses nothing.
 */
final class ExpertSlots {
    private final RankSettings settings;
    /** Replaced together, between updates, by {@link #replace}. */
    private Placement placement;
    private ExpertShard shard;
    private List<Optimizer> optimizers = new ArrayList<>();

    /** The slots of {@code settings.rank()} under {@code settings.placement()}, each expert from {@link ModelInit}. */
    ExpertSlots(RankSettings settings) {
        this.settings = settings;
        this.placement = settings.placement();
        int[] ids = placement.expertsOn(settings.rank());
        List<Expert> experts = new ArrayList<>(ids.length);
        for (int id : ids) {
            experts.add(ModelInit.expert(settings.seed(), id, settings.modelDim(), settings.hiddenDim())); // replicas start equal
            optimizers.add(settings.optimizer().create());
        }
        this.shard = new ExpertShard(ids, experts);
    }

    Placement placement() { return placement; }

    ExpertShard shard() { return shard; }

    int size() { return shard.size(); }

    /** The logical expert in slot {@code l}. */
    int expertIn(int l) { return shard.expertId(l); }

    /** The slots whose expert has other replicas, whose gradients their own must be summed with; ascending. */
    int[] replicatedSlots() {
        return placement.replicatedSlots(settings.rank());
    }

    /**
     * Steps every slot with {@code grads.get(l)}, except that the slots whose expert has other
     * replicas take {@code replicaSums} in their place, one each in slot order. Every gradient's
     * shape is checked before any slot changes.
     */
    void step(List<ExpertGrads> grads, List<ExpertGrads> replicaSums) {
        if (grads.size() != size()) throw new IllegalArgumentException(grads.size() + " gradients for " + size() + " expert slots");
        int[] replicated = replicatedSlots();
        if (replicaSums.size() != replicated.length)
            throw new IllegalArgumentException("rank " + settings.rank() + " holds " + replicated.length + " slots of replicated experts but"
                    + " the update carries " + replicaSums.size() + " replica gradients");
        List<ExpertGrads> used = new ArrayList<>(grads);
        for (int i = 0; i < replicated.length; i++) used.set(replicated[i], replicaSums.get(i));
        List<List<Param>> params = new ArrayList<>(size());
        for (int l = 0; l < size(); l++) params.add(shard.params(l, used.get(l)));
        for (int l = 0; l < size(); l++) optimizers.get(l).step(params.get(l));
    }

    /** The state of every slot's optimizer merged by parameter name (see the class comment). */
    OptimizerState optimizerState() {
        OptimizerState first = optimizers.get(0).state();
        Map<String, ParamState> params = new TreeMap<>();
        long steps = 0;
        for (Optimizer o : optimizers) {
            OptimizerState s = o.state();
            steps = Math.max(steps, s.steps());
            params.putAll(s.params());
        }
        return new OptimizerState(first.kind(), first.hyperParameters(), steps, params);
    }

    /** A snapshot of slot {@code l}'s optimizer state (its expert's parameters only). */
    OptimizerState stateOf(int l) {
        return optimizers.get(l).state();
    }

    /**
     * The slots now hold {@code next}'s experts for this rank: {@code experts.get(l)} with optimizer
     * state {@code states.get(l)} in slot {@code l}. Between updates only: no step may be in
     * flight, as its passes refer to the old slots. Nothing changes if a state does not fit.
     */
    void replace(Placement next, List<Expert> experts, List<OptimizerState> states) {
        int[] ids = next.expertsOn(settings.rank());
        if (experts.size() != ids.length || states.size() != ids.length)
            throw new IllegalArgumentException(experts.size() + " experts and " + states.size() + " states for " + ids.length + " slots");
        ExpertShard moved = new ExpertShard(ids, experts);
        List<Optimizer> restored = new ArrayList<>(ids.length);
        for (int l = 0; l < ids.length; l++) {
            Optimizer o = settings.optimizer().create();
            OptimizerState state = states.get(l);
            if (state.params().isEmpty()) o.restore(state); // saved before any update: nothing to match yet
            else o.restore(state, moved.params(l, moved.expert(l).newGrads()));
            restored.add(o);
        }
        this.placement = next;
        this.shard = moved;
        this.optimizers = restored;
    }

    /**
     * The slots take a checkpoint's experts (in slot order under {@code next}) and their optimizer
     * state merged by name ({@link #optimizerState()}), each slot its own expert's part. A state
     * naming a parameter no slot holds is refused (a file of another placement); nothing changes then.
     */
    void restore(Placement next, List<Expert> experts, OptimizerState merged) {
        int[] ids = next.expertsOn(settings.rank());
        if (experts.size() != ids.length)
            throw new IllegalArgumentException(experts.size() + " experts for the " + ids.length + " slots of rank " + settings.rank());
        List<OptimizerState> parts = new ArrayList<>(ids.length);
        java.util.Set<String> covered = new java.util.HashSet<>();
        for (int l = 0; l < ids.length; l++) {
            Map<String, ParamState> own = new TreeMap<>();
            for (Param p : ExpertShard.paramsOf(ids[l], experts.get(l), experts.get(l).newGrads())) {
                ParamState state = merged.params().get(p.name());
                if (state != null) own.put(p.name(), state);
                covered.add(p.name());
            }
            parts.add(new OptimizerState(merged.kind(), merged.hyperParameters(), merged.steps(), own));
        }
        for (String name : merged.params().keySet()) {
            if (!covered.contains(name))
                throw new IllegalArgumentException("the saved optimizer state has parameter '" + name + "', which no slot of rank "
                        + settings.rank() + " holds");
        }
        replace(next, experts, parts);
    }

    /** Zero gradients for every slot. */
    List<ExpertGrads> newGrads() {
        return shard.newGrads();
    }
}
