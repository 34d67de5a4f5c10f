package switchyard.math.reference;

import com.google.gson.annotations.SerializedName;

/**
 * Everything one rank sees and must produce: its S tokens in, its outputs and gradients out.
 *
 * @param input          [S][M] the rank's tokens
 * @param noise          [S][E] noise for the second choice
 * @param lossWeights    [S][M] {@code R} in the README: {@code Loss = Σ output·R + alpha·l_aux}
 * @param logits         [S][E] intermediate, for debugging
 * @param gates          [S][E] softmax of the logits
 * @param lAux           the rank's auxiliary load-balancing loss
 * @param output         [S][M]
 * @param gradInput      [S][M] ∂Loss/∂input, through experts and gate
 * @param gradGateWeight [M][E] ∂Loss/∂(this rank's copy of the gate weight)
 */
public record RankCase(int rank, double[][] input, double[][] noise, @SerializedName("R") double[][] lossWeights,
                       double[][] logits, double[][] gates, Routing routing, double lAux, double[][] output,
                       double[][] gradInput, double[][] gradGateWeight) {

    public RankCase {
        input = Copies.of(input);
        noise = Copies.of(noise);
        lossWeights = Copies.of(lossWeights);
        logits = Copies.of(logits);
        gates = Copies.of(gates);
        output = Copies.of(output);
        gradInput = Copies.of(gradInput);
        gradGateWeight = Copies.of(gradGateWeight);
    }

    @Override
    public double[][] input() {
        return Copies.of(input);
    }

    @Override
    public double[][] noise() {
        return Copies.of(noise);
    }

    @Override
    public double[][] lossWeights() {
        return Copies.of(lossWeights);
    }

    @Override
    public double[][] logits() {
        return Copies.of(logits);
    }

    @Override
    public double[][] gates() {
        return Copies.of(gates);
    }

    @Override
    public double[][] output() {
        return Copies.of(output);
    }

    @Override
    public double[][] gradInput() {
        return Copies.of(gradInput);
    }

    @Override
    public double[][] gradGateWeight() {
        return Copies.of(gradGateWeight);
    }
}
