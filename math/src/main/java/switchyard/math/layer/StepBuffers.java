package switchyard.math.layer;

import switchyard.math.expert.ExpertShard;
import switchyard.math.expert.SharedExperts;
import switchyard.math.gate.RoutingBuffers;

/**
 * Everything one rank's share of one step writes: its routing, its token side and its expert side.
 * A step takes one set and keeps it until nothing can read the step any more (see
 * {@code BufferPool}); reusing sets step after step makes the layer allocate almost nothing.
 */
public final class StepBuffers {
    public final RoutingBuffers routing = new RoutingBuffers();
    public final SourceBuffers source = new SourceBuffers();
    public final ExpertShard.Pass pass = new ExpertShard.Pass();
    public final SharedExperts.Pass shared = new SharedExperts.Pass();

    /** Overwrites everything with NaN or -1 (see {@code BufferPool}). */
    public void poison() {
        routing.poison();
        source.poison();
        pass.poison();
        shared.poison();
    }
}
