package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import switchyard.math.expert.ExpertShard;
import switchyard.math.expert.SharedExperts;
import switchyard.math.optim.Optimizer;

/**
 * What one rank holds of the model: the experts in its slots with their optimizers and the
 * gradients its steps left on them, its replica of the shared experts likewise, and the gate actor that holds
 * its gate replica.
 */
record RankModel(ExpertSlots slots, ExpertGradients gradients,
                 SharedExperts shared, Optimizer sharedOptimizer, ExpertGradients sharedGradients,
                 ActorRef<GateActor.Command> gate) {
    /** The experts in the rank's slots. */
    ExpertShard shard() {
        return slots.shard();
    }
}
