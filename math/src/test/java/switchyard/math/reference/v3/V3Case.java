package switchyard.math.reference.v3;

import com.google.gson.annotations.SerializedName;
import switchyard.math.reference.ExpertTensors;

import java.util.List;

/**
 * One parsed case of the DeepSeek-V3-class vectors ({@code moe-vectors-v3/README.md}, the normative
 * spec): token choice with sigmoid or softmax scores, selection bias, group limit and shared
 * experts, or expert choice. Reals are the file's binary64 values. Cases are shared between tests:
 * nothing may modify their arrays.
 */
public record V3Case(String name, String description, int worldSize, int localExperts, int numExperts, int tokensPerRank,
                     int dModel, int dHidden, Options options, double loss, double[][] gateWeight, double[] selectionBias,
                     List<ExpertTensors> experts, List<SharedTensors> sharedExperts, List<Rank> ranks, int[] expertLoad,
                     int[] biasUpdateSign, double[] selectionBiasAfter, double[][] gradGateWeightSum,
                     List<SharedTensors> gradSharedExpertsSum, List<ExpertTensors> expertGrads) {

    /** The case's routing options ({@code options} in the file). */
    public record Options(String routing, String scoreFunc, Integer topK, int nGroups, int topkGroups, Boolean normTopk,
                          Double routeScale, Integer capacity, String dropPolicy, int nShared, String aux, double alpha,
                          boolean useSelectionBias, Double biasUpdateGamma) {

        public boolean expertChoice() {
            return "expert_choice".equals(routing);
        }
    }

    /** A shared expert's parameters or their gradients: {@code f(v) = relu(v·W1 + b1)·W2 + b2}. */
    public record SharedTensors(int index, @SerializedName("W1") double[][] w1, double[] b1,
                                @SerializedName("W2") double[][] w2, double[] b2) {}

    /** What one rank sees and must produce. */
    public record Rank(int rank, double[][] input, @SerializedName("R") double[][] lossWeights, double[][] scores,
                       Routing routing, Double lAux, double[][] sharedOutput, double[][] output, double[][] gradInput,
                       double[][] gradGateWeight, List<SharedTensors> gradSharedExperts) {}

    /**
     * A rank's routing. Token choice: {@code experts}, {@code weights}, {@code slot} are [S][k] (slot
     * −1 when dropped), {@code groups} [S][TG] or null, {@code counts} [E]. Expert choice:
     * {@code ecTokens} and {@code ecWeights} [E][C], {@code ecTokenCounts} [S].
     */
    public record Routing(double[][] selectionScores, double[][] groupScores, int[][] groups, int[][] experts,
                          double[][] weights, int[][] slot, int[] counts,
                          @SerializedName("aux_P") double[] auxP, @SerializedName("aux_f") double[] auxF,
                          int[][] ecTokens, double[][] ecWeights, int[] ecTokenCounts) {}

    public Rank rank(int r) {
        return ranks.get(r);
    }

    @Override
    public String toString() {
        return name; // parametrized test names
    }
}
