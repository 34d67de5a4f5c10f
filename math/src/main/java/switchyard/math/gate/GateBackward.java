package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;

/**
 * The gradient of the loss with respect to the logits, from the combine weights and the router
 * losses; intermediates and result live in the routing's own buffers. The routing decisions
 * (choices, groups, slots, drops, the selection bias) are constants.
 */
final class GateBackward {
    private GateBackward() {}

    static FMatrixRMaj logitGradients(Routing routing, float[] dWeight) {
        FMatrixRMaj dScores = scoreGradients(routing, dWeight);
        RoutingOptions o = routing.options();
        BalanceLoss.addGradient(o.aux(), o.score(), routing.gates(), auxLoads(routing), routing.auxLossCoefficient(), dScores);
        return o.score() == ScoreFunction.SOFTMAX ? softmaxBackward(routing, dScores) : sigmoidBackward(routing, dScores);
    }

    private static float[] auxLoads(Routing routing) {
        float[] loads = new float[routing.experts()];
        for (int e = 0; e < loads.length; e++) loads[e] = routing.auxLoad(e);
        return loads;
    }

    /**
     * Through the combine weights {@code w_j = r·g_j / d} ({@code r} the route scale):
     * {@code dg_j = r·(dw_j − Σ_i dw_i·w_i/r) / d}, where {@code d} is the sum over the kept choices
     * (GShard), over all chosen ones (DeepSeek-V3: a dropped choice gets gradient through the
     * denominator alone) or 1 (no normalisation, no denominator term). The clamp {@code max(d, eps)}
     * passes no gradient to {@code d} when it binds.
     */
    private static FMatrixRMaj scoreGradients(Routing routing, float[] dWeight) {
        int tokens = routing.tokens();
        int k = routing.topK();
        int experts = routing.experts();
        FMatrixRMaj scores = routing.gates();
        WeightNormalization normalization = routing.options().normalization();
        float routeScale = routing.options().routeScale();
        FMatrixRMaj dScores = Buffers.reshape(routing.buffers().gateGradients, tokens, experts);
        dScores.zero(); // only the chosen experts' entries are written below
        for (int s = 0; s < tokens; s++) {
            float sum = 0f;
            float dot = 0f;
            for (int j = 0; j < k; j++) {
                boolean counts = normalization == WeightNormalization.CHOSEN || routing.kept(s, j);
                if (counts) sum += scores.get(s, routing.expert(s, j));
                if (routing.kept(s, j)) dot += dWeight[s * k + j] * routing.weight(s, j);
            }
            if (routeScale != 1f) dot /= routeScale;
            boolean normalised = normalization != WeightNormalization.NONE;
            boolean throughDenominator = normalised && sum > Gate.EPS;
            float scale = normalised ? routeScale / Math.max(sum, Gate.EPS) : routeScale;
            for (int j = 0; j < k; j++) {
                boolean kept = routing.kept(s, j);
                if (!kept && normalization != WeightNormalization.CHOSEN) continue;
                float dw = kept ? dWeight[s * k + j] : 0f;
                float d = throughDenominator ? dw - dot : dw;
                dScores.data[s * experts + routing.expert(s, j)] += d * scale;
            }
        }
        return dScores;
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

    /**
     * {@code dlogits = dscores ⊙ s ⊙ (1 − s)}, plus the z-loss term, whose gradient is the softmax
     * of the logits: {@code 2·w_z·lse_s·softmax_se / S}.
     */
    private static FMatrixRMaj sigmoidBackward(Routing routing, FMatrixRMaj dScores) {
        int tokens = routing.tokens();
        int experts = routing.experts();
        FMatrixRMaj scores = routing.gates();
        FMatrixRMaj dLogits = Buffers.reshape(routing.buffers().logitGradients, tokens, experts);
        float zScale = tokens == 0 ? 0f : 2f * routing.zLossWeight() / tokens;
        float[] softmax = zScale == 0f ? null : new float[experts];
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            for (int e = 0; e < experts; e++) {
                float p = scores.data[row + e];
                dLogits.data[row + e] = dScores.data[row + e] * p * (1f - p);
            }
            if (softmax == null) continue;
            float lse = routing.logSumExp(s);
            switchyard.math.tensor.VectorMath.expShifted(routing.logits().data, row, experts, lse, softmax, 0);
            float z = zScale * lse;
            for (int e = 0; e < experts; e++) dLogits.data[row + e] += z * softmax[e];
        }
        return dLogits;
    }
}
