package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import switchyard.math.expert.ExpertShard;
import switchyard.math.expert.SharedExperts;
import switchyard.math.optim.Optimizer;

/**
 * What one rank holds of the model: its local experts with their optimizer and the gradients its
 * steps left on them, its replica of the shared experts likewise, and the gate actor that holds
 * its gate replica.
 */
record RankModel(ExpertShard shard, Optimizer expertOptimizer, ExpertGradients gradients,
                 SharedExperts shared, Optimizer sharedOptimizer, ExpertGradients sharedGradients,
                 ActorRef<GateActor.Command> gate) {}
