package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;

/**
 * The arrays one routing call and its backward write: logits and gates [S × E], per token the
 * log-sum-exp, per choice [S·k] the expert, slot, kept flag and weight, the kept assignments in
 * (expert, slot) order, and the gate backward's gradients with respect to the gates and logits.
 * A {@link Routing} made with them reads them until they are used for another routing; reusing
 * one set step after step makes routing allocate nothing but a few per-expert counters.
 */
public final class RoutingBuffers {
    FMatrixRMaj logits = new FMatrixRMaj(0, 0);
    FMatrixRMaj gates = new FMatrixRMaj(0, 0);
    FMatrixRMaj gateGradients = new FMatrixRMaj(0, 0);
    FMatrixRMaj logitGradients = new FMatrixRMaj(0, 0);
    float[] logSumExp;
    int[] expert;
    int[] slot;
    boolean[] kept;
    float[] weight;
    int[] assignments;
    int[] keptGroups;

    /** Sizes every per-token array for {@code tokens} tokens with {@code k} choices among {@code experts}. */
    void shape(int tokens, int experts, int k, int keptGroupsPerToken) {
        int choices = Math.multiplyExact(tokens, k);
        Buffers.reshape(logits, tokens, experts);
        Buffers.reshape(gates, tokens, experts);
        logSumExp = Buffers.floats(logSumExp, tokens);
        expert = Buffers.ints(expert, choices);
        slot = Buffers.ints(slot, choices);
        kept = Buffers.booleans(kept, choices);
        weight = Buffers.floats(weight, choices);
        assignments = Buffers.ints(assignments, choices);
        keptGroups = Buffers.ints(keptGroups, Math.multiplyExact(tokens, keptGroupsPerToken));
    }

    /** Overwrites everything with NaN or -1 (see {@code BufferPool}). */
    public void poison() {
        Buffers.poison(logits);
        Buffers.poison(gates);
        Buffers.poison(gateGradients);
        Buffers.poison(logitGradients);
        Buffers.poison(logSumExp);
        Buffers.poison(expert);
        Buffers.poison(slot);
        Buffers.poison(weight);
        Buffers.poison(assignments);
        Buffers.poison(keptGroups);
    }
}
