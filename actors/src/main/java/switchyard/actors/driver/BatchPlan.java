package switchyard.actors.driver;

import switchyard.actors.protocol.Batch;

/** Which tokens rank r trains on at step t. Lives on the driver only. */
@FunctionalInterface
public interface BatchPlan {
    Batch batch(long step, int rank);
}
