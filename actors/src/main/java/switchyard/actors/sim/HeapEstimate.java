package switchyard.actors.sim;

import switchyard.actors.report.Sizes;

/**
 * The heap a job's ranks need at least, so that sizes that cannot fit are refused before anything
 * is allocated, rather than failing with an OutOfMemoryError half-way (or swapping for hours).
 *
 * <p>It counts only floats that certainly exist, so that it never refuses a job that would run:
 * every rank's experts, its replicas of the gate and of the shared experts, their optimizer state,
 * the gradients each micro-batch keeps until the update, each step in flight's token-side buffers
 * (tokens, targets, output, output and input gradients [S × M], the router's scores [S × E], the
 * shared experts' hidden activations [S × H_shared]), and the synthetic task's cluster maps, which
 * every rank builds. The expert side's rows are left out: how many there are depends on the routing.
 *
 * @param parameters     bytes of parameters
 * @param optimizerState bytes of optimizer state
 * @param gradients      bytes of gradients kept until the update
 * @param activations    bytes of the steps in flight
 * @param taskData       bytes of the synthetic task
 */
public record HeapEstimate(long parameters, long optimizerState, long gradients, long activations, long taskData) {
    private static final long FLOAT = Float.BYTES;

    /** What one rank of {@code o} needs. */
    public static HeapEstimate perRank(SimulationOptions o) {
        double m = o.modelDim(), s = o.tokens(), e = o.experts();
        double experts = o.placement().slotsPerRank() * expert(m, o.hiddenDim()); // L + R slots
        double shared = o.sharedExperts() * expert(m, o.sharedHiddenDim());
        double gate = m * e;
        double parameters = experts + shared + gate;
        double stepsInFlight = o.pipelined() ? o.microBatches() : 1;
        double tokenSide = 5 * s * m + 2 * s * e;
        double sharedSide = o.sharedExperts() == 0 ? 0 : o.sharedExperts() * s * o.sharedHiddenDim() + 2 * s * m;
        double task = o.clusters() * (m * m + m);
        return new HeapEstimate(bytes(parameters), bytes(o.optimizer().stateSlots() * parameters), bytes(o.microBatches() * parameters),
                bytes(stepsInFlight * (tokenSide + sharedSide)), bytes(task));
    }

    /** Floats of one expert: W1 [M × H], b1 [H], W2 [H × M], b2 [M]. */
    private static double expert(double m, double h) {
        return 2 * m * h + h + m;
    }

    /** Bytes of {@code floats} floats, saturated (sizes far beyond any heap only need to compare as such). */
    private static long bytes(double floats) {
        return (long) Math.min(Long.MAX_VALUE, floats * FLOAT);
    }

    public long total() {
        return sum(sum(sum(sum(parameters, optimizerState), gradients), activations), taskData);
    }

    /** What {@code ranks} such ranks need. */
    public HeapEstimate times(int ranks) {
        return new HeapEstimate(times(parameters, ranks), times(optimizerState, ranks), times(gradients, ranks), times(activations, ranks),
                times(taskData, ranks));
    }

    /**
     * Throws a user error unless {@link #total} fits in {@code maxHeap} bytes.
     *
     * @param what who needs it, e.g. "simulate with W=8, S=1000000, M=4096"
     * @param whose whose heap {@code maxHeap} is, e.g. "this JVM"
     */
    public void requireFits(String what, String whose, long maxHeap) {
        if (total() <= maxHeap) return;
        throw new IllegalArgumentException(what + " needs about " + Sizes.bytes(total()) + " of heap (" + parts() + "), but "
                + whose + " may use " + Sizes.bytes(maxHeap) + " (-Xmx): choose smaller sizes or give Java a larger -Xmx (./switchyard passes SWITCHYARD_JAVA_OPTS to it)");
    }

    /** The parts of the estimate, for a message. */
    public String parts() {
        return "parameters " + Sizes.bytes(parameters) + ", optimizer state " + Sizes.bytes(optimizerState) + ", gradients "
                + Sizes.bytes(gradients) + ", activations " + Sizes.bytes(activations) + ", task data " + Sizes.bytes(taskData);
    }

    private static long sum(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private static long times(long a, int n) {
        return a > Long.MAX_VALUE / Math.max(1, n) ? Long.MAX_VALUE : a * n;
    }
}
