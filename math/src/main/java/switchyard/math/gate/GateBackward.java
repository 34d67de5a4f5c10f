package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;

/**
 * The gradient of the loss with respect to the logits, from the combine weights and the router
 * losses; intermediates and result live in the routing's own buffers.
 */
final class GateBackward {
    private GateBackward() {}

    static FMatrixRMaj logitGradients(Routing routing, float[] dWeight) {
        FMatrixRMaj dGates = gateGradients(routing, dWeight);
        addAuxLossGradient(routing, dGates);
        return softmaxBackward(routing, dGates);
    }

    /**
     * Through the combine weights. With renormalisation {@code w_j = g_j / d}, {@code d = Σ_i g_i}:
     * {@code dg_j = (dw_j − Σ_i dw_i·w_i) / d}. The clamp {@code max(d, eps)} passes no gradient
     * to {@code d} when it binds. Dropped choices have {@code g = 0} as a constant: no gradient.
     */
    private static FMatrixRMaj gateGradients(Routing routing, float[] dWeight) {
        int tokens = routing.tokens();
        int k = routing.topK();
        int experts = routing.experts();
        FMatrixRMaj gates = routing.gates();
        FMatrixRMaj dGates = Buffers.reshape(routing.buffers().gateGradients, tokens, experts);
        dGates.zero(); // only the kept choices' entries are written below
        for (int s = 0; s < tokens; s++) {
            float sum = 0f;
            float dot = 0f;
            for (int j = 0; j < k; j++) {
                if (!routing.kept(s, j)) continue;
                sum += gates.get(s, routing.expert(s, j));
                dot += dWeight[s * k + j] * routing.weight(s, j);
            }
            boolean throughDenominator = routing.renormalised() && sum > Gate.EPS;
            float scale = routing.renormalised() ? 1f / Math.max(sum, Gate.EPS) : 1f;
            for (int j = 0; j < k; j++) {
                if (!routing.kept(s, j)) continue;
                float d = throughDenominator ? dWeight[s * k + j] - dot : dWeight[s * k + j];
                dGates.data[s * experts + routing.expert(s, j)] += d * scale;
            }
        }
        return dGates;
    }

    /** {@code l_aux = (1/E) Σ_e me_e·ce_e}, {@code me_e = mean_s gates}: {@code d/dgates[s][e] = c·ce_e/(E·S)}. */
    private static void addAuxLossGradient(Routing routing, FMatrixRMaj dGates) {
        float coefficient = routing.auxLossCoefficient();
        int tokens = routing.tokens();
        int experts = routing.experts();
        if (coefficient == 0f || tokens == 0) return;
        float[] perExpert = new float[experts];
        for (int e = 0; e < experts; e++) perExpert[e] = coefficient * routing.ce(e) / ((float) experts * tokens);
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            for (int e = 0; e < experts; e++) dGates.data[row + e] += perExpert[e];
        }
    }

    /**
     * {@code dlogits = gates ⊙ (dgates − Σ_e dgates·gates)}, plus the z-loss term
     * {@code 2·w_z·lse_s·gates[s][e] / S}.
     */
    private static FMatrixRMaj softmaxBackward(Routing routing, FMatrixRMaj dGates) {
        int tokens = routing.tokens();
        int experts = routing.experts();
        FMatrixRMaj gates = routing.gates();
        FMatrixRMaj dLogits = Buffers.reshape(routing.buffers().logitGradients, tokens, experts);
        float zScale = tokens == 0 ? 0f : 2f * routing.zLossWeight() / tokens;
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            float dot = 0f;
            for (int e = 0; e < experts; e++) dot += dGates.data[row + e] * gates.data[row + e];
            float z = zScale * routing.logSumExp(s);
            for (int e = 0; e < experts; e++) {
                dLogits.data[row + e] = gates.data[row + e] * (dGates.data[row + e] - dot + z);
            }
        }
        return dLogits;
    }
}
