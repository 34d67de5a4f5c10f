package switchyard.math.reference;

import com.google.gson.annotations.SerializedName;

/**
 * One expert's parameters, or their gradients (same layout): {@code f(v) = relu(v·W1 + b1)·W2 + b2}.
 * Global expert {@code expert} lives on {@code rank = expert / L} as local expert {@code expert % L}.
 *
 * @param w1 [M][H]
 * @param b1 [H]
 * @param w2 [H][M]
 * @param b2 [M]
 */
public record ExpertTensors(int expert, int rank, int localIndex,
                            @SerializedName("W1") double[][] w1, double[] b1,
                            @SerializedName("W2") double[][] w2, double[] b2) {

    public ExpertTensors {
        w1 = Copies.of(w1);
        b1 = Copies.of(b1);
        w2 = Copies.of(w2);
        b2 = Copies.of(b2);
    }

    @Override
    public double[][] w1() {
        return Copies.of(w1);
    }

    @Override
    public double[] b1() {
        return Copies.of(b1);
    }

    @Override
    public double[][] w2() {
        return Copies.of(w2);
    }

    @Override
    public double[] b2() {
        return Copies.of(b2);
    }
}
