package switchyard.actors.cluster;

import com.typesafe.config.Config;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.transport.Transport;
import switchyard.actors.report.Sizes;

/**
 * Whether a cluster job's whole-expert messages fit the frames they travel in. A re-placement moves
 * an expert's parameters and optimizer state in one message (over the exchange's transport), and
 * replicas send their gradients to the driver and get the sums back in one message each (over
 * Artery): neither is split into parts, so a job whose experts are too large for them is refused
 * before it starts rather than failing at its first re-placement.
 */
public final class ExpertFrames {
    /** Names, counts and headers around the floats of one message: generous. */
    private static final long OVERHEAD = 64 * 1024;

    private ExpertFrames() {}

    /**
     * @param moves    whether experts may move (a policy that re-plans)
     * @param replicas whether experts have replicas (spare slots)
     */
    public static void requireFit(SimulationOptions job, boolean moves, boolean replicas, Config config) {
        long params = 2L * job.modelDim() * job.hiddenDim() + job.hiddenDim() + job.modelDim();
        long artery = config.getBytes("akka.remote.artery.advanced.maximum-large-frame-size");
        if (moves) {
            String kind = job.optimizer().kind();
            int buffers = kind.equalsIgnoreCase("adam") || kind.equalsIgnoreCase("adamw") ? 2 : job.optimizer().momentum() > 0 ? 1 : 0;
            long move = params * Float.BYTES * (1 + buffers) + OVERHEAD;
            boolean dataPlane = job.exchange().transport() == Transport.DATA_PLANE;
            long frame = dataPlane ? config.getBytes("switchyard.data-plane.max-frame-bytes") : artery;
            String key = dataPlane ? "switchyard.data-plane.max-frame-bytes" : "akka.remote.artery.advanced.maximum-large-frame-size";
            if (move > frame)
                throw new IllegalArgumentException("moving an expert of M=" + job.modelDim() + " H=" + job.hiddenDim() + " with its "
                        + kind + " state takes a message of about " + Sizes.bytes(move) + ", more than " + key + " (" + Sizes.bytes(frame)
                        + "): raise it, or use --placement static");
        }
        if (replicas) {
            long gradients = params * Float.BYTES * job.placement().slotsPerRank() + OVERHEAD;
            if (gradients > artery)
                throw new IllegalArgumentException("the replicas' gradients of a rank's " + job.placement().slotsPerRank()
                        + " expert slots of M=" + job.modelDim() + " H=" + job.hiddenDim() + " take a message of about "
                        + Sizes.bytes(gradients) + ", more than akka.remote.artery.advanced.maximum-large-frame-size ("
                        + Sizes.bytes(artery) + "): raise it, or use --redundant-experts 0");
        }
    }
}
