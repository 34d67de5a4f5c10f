package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;
import switchyard.math.optim.Param;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Rows;

import java.util.List;

/**
 * Shared experts (DeepSeekMoE): FFNs that every token passes through on its own rank, with no
 * all-to-all, their sum added unweighted to the routed output. Every rank holds a replica, like the
 * gate's, and the replicas stay bit-identical because each applies the same all-reduced gradient.
 * The oracle and the rank actors call the same methods in the same order: the routed combine first,
 * then {@link Pass#addOutput}; the gate path of the input gradient, then the routed experts' paths,
 * then {@link Pass#addInputGradient}.
 */
public final class SharedExperts {
    private final List<Expert> experts;

    public SharedExperts(List<Expert> experts) {
        this.experts = List.copyOf(experts);
    }

    /** None: a layer without shared experts. */
    public static SharedExperts none() {
        return new SharedExperts(List.of());
    }

    public int size() { return experts.size(); }

    public boolean isEmpty() { return experts.isEmpty(); }

    public Expert expert(int i) { return experts.get(i); }

    public List<Expert> experts() { return experts; }

    /**
     * One step's activations of the shared experts on one rank, kept for the backward pass, and
     * the two sums the step adds at the end. Reusable step after step.
     */
    public static final class Pass {
        private FMatrixRMaj[] hidden = new FMatrixRMaj[0];
        private FMatrixRMaj input;
        /** Shared experts the forward pass ran: with none, the sums are zero and never read. */
        private int ran;
        private final FMatrixRMaj output = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj inputGradient = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj scratch = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj hiddenScratch = new FMatrixRMaj(0, 0);

        /** {@code out += Σ_i g_i(x)} of the forward pass (nothing without shared experts). */
        public void addOutput(FMatrixRMaj out) {
            if (ran > 0) add(output, out);
        }

        /** {@code dx += Σ_i dLoss/dx through g_i} of the backward pass (nothing without shared experts). */
        public void addInputGradient(FMatrixRMaj dx) {
            if (ran > 0) add(inputGradient, dx);
        }

        private static void add(FMatrixRMaj from, FMatrixRMaj to) {
            if (from.numRows != to.numRows || from.numCols != to.numCols)
                throw new IllegalArgumentException("shared experts' sum is " + from.numRows + "x" + from.numCols
                        + " but the target is " + to.numRows + "x" + to.numCols);
            Rows.addScaled(from.data, 0, 1f, to.data, 0, from.numRows * from.numCols);
        }

        private void shape(int experts) {
            if (hidden.length != experts) {
                hidden = new FMatrixRMaj[experts];
                for (int i = 0; i < experts; i++) hidden[i] = new FMatrixRMaj(0, 0);
            }
        }

        /** The signs of the hidden activations, one character each: where the ReLUs are on (for tests of gradients). */
        public String reluPattern() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ran; i++) for (int j = 0; j < hidden[i].numRows * hidden[i].numCols; j++) sb.append(hidden[i].data[j] > 0 ? '1' : '0');
            return sb.toString();
        }

        /** Overwrites everything with NaN (see {@code BufferPool}). */
        public void poison() {
            for (FMatrixRMaj m : hidden) Buffers.poison(m);
            Buffers.poison(output);
            Buffers.poison(inputGradient);
            input = null;
            ran = 0;
        }
    }

    /** Forward on the rank's tokens {@code x} [S × M]: {@code Σ_i g_i(x)} into the pass, in expert order. */
    public void forward(FMatrixRMaj x, Pass pass, MatMul mm) {
        pass.shape(size());
        pass.input = x;
        pass.ran = size();
        if (isEmpty()) return;
        FMatrixRMaj sum = Buffers.reshape(pass.output, x.numRows, x.numCols);
        for (int i = 0; i < size(); i++) {
            FMatrixRMaj y = i == 0 ? sum : Buffers.reshape(pass.scratch, x.numRows, x.numCols);
            experts.get(i).forward(x, pass.hidden[i], y, mm);
            if (i > 0) Rows.addScaled(y.data, 0, 1f, sum.data, 0, x.numRows * x.numCols);
        }
    }

    /**
     * Backward from {@code dOut} [S × M], the gradient of the layer's output: adds each shared
     * expert's parameter gradients to {@code grads} and keeps {@code Σ_i dx_i} in the pass.
     */
    public void backward(Pass pass, FMatrixRMaj dOut, List<ExpertGrads> grads, MatMul mm) {
        if (grads.size() != size()) throw new IllegalArgumentException(grads.size() + " gradient holders for " + size() + " shared experts");
        FMatrixRMaj x = pass.input;
        if (x == null) throw new IllegalStateException("shared experts' backward before their forward");
        if (isEmpty()) return;
        FMatrixRMaj sum = Buffers.reshape(pass.inputGradient, x.numRows, x.numCols);
        for (int i = 0; i < size(); i++) {
            FMatrixRMaj dx = i == 0 ? sum : Buffers.reshape(pass.scratch, x.numRows, x.numCols);
            experts.get(i).backward(x, pass.hidden[i], dOut, grads.get(i), dx, pass.hiddenScratch, mm);
            if (i > 0) Rows.addScaled(dx.data, 0, 1f, sum.data, 0, x.numRows * x.numCols);
        }
    }

    /** The shared experts' parameters paired with {@code grads}, named {@code shared<i>.W1} etc., for an optimizer. */
    public List<Param> params(List<ExpertGrads> grads) {
        return Expert.params(experts, grads, "shared", 0);
    }

    /** Zero gradients for every shared expert. */
    public List<ExpertGrads> newGrads() {
        return Expert.newGrads(experts);
    }
}
