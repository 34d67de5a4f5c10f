package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.ColumnSums;
import switchyard.math.linalg.MatMul;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Checks;

import switchyard.math.optim.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One expert FFN, {@code y = relu(x·W1 + b1)·W2 + b2} with {@code W1 [M×H], b1 [1×H], W2 [H×M],
 * b2 [1×M]}. Gradients go into an {@link ExpertGrads} the caller owns, so a rank can keep one per
 * step in flight and sum them in step order.
 */
public final class Expert {
    private final FMatrixRMaj w1, b1, w2, b2;

    public Expert(FMatrixRMaj w1, FMatrixRMaj b1, FMatrixRMaj w2, FMatrixRMaj b2) {
        int m = w1.numRows;
        int h = w1.numCols;
        if (m < 1 || h < 1) throw new IllegalArgumentException("expert W1 must be M×H with M, H >= 1, got " + Checks.shape(w1));
        Checks.shape("expert b1", b1, 1, h);
        Checks.shape("expert W2", w2, h, m);
        Checks.shape("expert b2", b2, 1, m);
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
    }

    /** PyTorch {@code nn.Linear}'s initialisation: every parameter uniform in ±1/√fan_in. */
    public static Expert initialised(int modelDim, int hiddenDim, SplittableRandom random) {
        return new Expert(uniform(modelDim, hiddenDim, modelDim, random), uniform(1, hiddenDim, modelDim, random),
                uniform(hiddenDim, modelDim, hiddenDim, random), uniform(1, modelDim, hiddenDim, random));
    }

    private static FMatrixRMaj uniform(int rows, int cols, int fanIn, SplittableRandom random) {
        double bound = 1.0 / Math.sqrt(fanIn);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        return m;
    }

    public int modelDim() { return w1.numRows; }

    public int hiddenDim() { return w1.numCols; }

    public FMatrixRMaj w1() { return w1; }
    public FMatrixRMaj b1() { return b1; }
    public FMatrixRMaj w2() { return w2; }
    public FMatrixRMaj b2() { return b2; }

    /**
     * The parameters of {@code experts} paired with their {@code grads}, named
     * {@code <prefix><i>.W1} etc. with i counted from {@code first}, for an optimizer.
     */
    public static List<Param> params(List<Expert> experts, List<ExpertGrads> grads, String prefix, int first) {
        List<Param> params = new ArrayList<>(4 * experts.size());
        for (int i = 0; i < experts.size(); i++) {
            Expert e = experts.get(i);
            ExpertGrads g = grads.get(i);
            String name = prefix + (first + i) + ".";
            params.add(new Param(name + "W1", e.w1, g.w1()));
            params.add(new Param(name + "b1", e.b1, g.b1()));
            params.add(new Param(name + "W2", e.w2, g.w2()));
            params.add(new Param(name + "b2", e.b2, g.b2()));
        }
        return params;
    }

    /** Zero gradients for each of {@code experts}. */
    public static List<ExpertGrads> newGrads(List<Expert> experts) {
        List<ExpertGrads> grads = new ArrayList<>(experts.size());
        for (Expert e : experts) grads.add(e.newGrads());
        return grads;
    }

    /** An independent expert with the same parameters: a replica. */
    public Expert copy() {
        return new Expert(w1.copy(), b1.copy(), w2.copy(), b2.copy());
    }

    /** Overwrites this expert's parameters with {@code other}'s (same shapes). */
    public void copyFrom(Expert other) {
        if (other.modelDim() != modelDim() || other.hiddenDim() != hiddenDim())
            throw new IllegalArgumentException("cannot load an expert with M=" + other.modelDim() + ", H=" + other.hiddenDim()
                    + " into one with M=" + modelDim() + ", H=" + hiddenDim());
        w1.setTo(other.w1);
        b1.setTo(other.b1);
        w2.setTo(other.w2);
        b2.setTo(other.b2);
    }

    /** A zero gradient of this expert's shape. */
    public ExpertGrads newGrads() {
        return new ExpertGrads(new FMatrixRMaj(modelDim(), hiddenDim()), new FMatrixRMaj(1, hiddenDim()),
                new FMatrixRMaj(hiddenDim(), modelDim()), new FMatrixRMaj(1, modelDim()));
    }

    /** What the backward pass needs from the forward pass: the input rows, the hidden activations, the output. */
    public record Activations(FMatrixRMaj input, FMatrixRMaj hidden, FMatrixRMaj output) {}

    /** Forward on a batch {@code x} [n × M], into new matrices. */
    public Activations forward(FMatrixRMaj x, MatMul mm) {
        Activations a = new Activations(x, new FMatrixRMaj(0, 0), new FMatrixRMaj(0, 0));
        forward(x, a.hidden(), a.output(), mm);
        return a;
    }

    /**
     * Forward on a batch {@code x} [n × M]: {@code hidden = relu(x·W1 + b1)} [n × H] and
     * {@code y = hidden·W2 + b2} [n × M], written into the given matrices (reshaped).
     */
    public void forward(FMatrixRMaj x, FMatrixRMaj hidden, FMatrixRMaj y, MatMul mm) {
        if (x.numCols != modelDim())
            throw new IllegalArgumentException("expert input is " + Checks.shape(x) + " but the expert has M=" + modelDim());
        mm.mulBias(x, w1, b1, true, Buffers.reshape(hidden, x.numRows, hiddenDim()));
        mm.mulBias(hidden, w2, b2, false, Buffers.reshape(y, x.numRows, modelDim()));
    }

    /**
     * Backward from {@code dy} [n × M] for the forward pass that took {@code x} and gave
     * {@code hidden}: adds the parameter gradients to {@code grads} and writes {@code dx} [n × M]
     * (reshaped), working in {@code dHidden} (reshaped to n × H; what it held is overwritten).
     * ReLU'(0) = 0, so the mask is {@code hidden > 0}.
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj hidden, FMatrixRMaj dy, ExpertGrads grads, FMatrixRMaj dx,
                         FMatrixRMaj dHidden, MatMul mm) {
        Checks.shape("expert output gradient", dy, x.numRows, modelDim());
        mm.mulTransA(hidden, dy, grads.w2(), true);
        ColumnSums.add(dy, grads.b2());
        mm.mulTransB(dy, w2, Buffers.reshape(dHidden, dy.numRows, hiddenDim()), false);
        ColumnSums.reluMaskAndAdd(hidden, dHidden, grads.b1());
        mm.mulTransA(x, dHidden, grads.w1(), true);
        mm.mulTransB(dHidden, w1, Buffers.reshape(dx, dy.numRows, modelDim()), false);
    }
}
