package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.linalg.MatMul;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Checks;
import switchyard.math.tensor.Elementwise;

/**
 * One replica of the router: {@code logits = x·Wg}, softmax, top-k choices, capacity, combine
 * weights, {@code l_aux} and z-loss (DESIGN.md §1), and the backward pass of all of it.
 * Holds the weight {@code Wg [M×E]}; the weight is changed only by an optimizer.
 */
public final class Gate {
    /** Float32 machine epsilon: the clamp on the combine-weight denominator. */
    static final float EPS = Math.ulp(1f);

    private final FMatrixRMaj weight;
    private final RoutingOptions options;

    public Gate(FMatrixRMaj weight, RoutingOptions options) {
        if (weight.numCols < 1 || weight.numRows < 1)
            throw new IllegalArgumentException("gate weight must be M×E with M, E >= 1, got "
                    + weight.numRows + "x" + weight.numCols);
        if (options.topK() > weight.numCols)
            throw new IllegalArgumentException("top-" + options.topK() + " routing needs at least "
                    + options.topK() + " experts, but the gate weight has E=" + weight.numCols);
        Checks.finite("gate weight", weight);
        this.weight = weight;
        this.options = options;
    }

    /** Wg, [M × E]. Optimizers update it in place. */
    public FMatrixRMaj weight() { return weight; }

    public RoutingOptions options() { return options; }

    public int modelDim() { return weight.numRows; }

    public int experts() { return weight.numCols; }

    /**
     * Routes {@code x} [S × M] into new arrays.
     *
     * @param noise    Gumbel samples / jitter / priority order for this rank and step
     * @param training selects the training or eval capacity and whether jitter applies
     */
    public Routing route(FMatrixRMaj x, GateNoise noise, boolean training, MatMul mm) {
        return route(x, noise, training, mm, new RoutingBuffers());
    }

    /**
     * Routes {@code x} [S × M] into {@code buffers}: the routing reads them (and {@code x}, for the
     * gate backward) until they are reused.
     */
    public Routing route(FMatrixRMaj x, GateNoise noise, boolean training, MatMul mm, RoutingBuffers buffers) {
        int tokens = x.numRows;
        int experts = experts();
        int k = options.topK();
        if (x.numCols != modelDim())
            throw new IllegalArgumentException("gate input is " + tokens + "x" + x.numCols
                    + " but the gate weight is " + modelDim() + "x" + experts + " (M differs)");
        Checks.finite("gate input", x);
        buffers.shape(tokens, experts, k);

        FMatrixRMaj jitter = null;
        FMatrixRMaj routerInput = x;
        if (options.noise() == NoisePolicy.JITTER && training && options.jitterEps() > 0f) {
            jitter = noise.jitter(tokens, modelDim(), options.jitterEps());
            routerInput = Elementwise.hadamard(x, jitter);
        }
        FMatrixRMaj logits = buffers.logits;
        mm.mul(routerInput, weight, logits, false);

        FMatrixRMaj gates = buffers.gates;
        float[] logSumExp = buffers.logSumExp;
        Softmax.rows(logits, gates, logSumExp);

        GumbelChoice gumbel = options.noise() == NoisePolicy.GUMBEL && k > 1 ? GumbelChoice.of(noise, tokens, experts) : null;
        int[] expert = buffers.expert;
        Choices.topK(gates, logits, gumbel, k, expert);

        int capacity = options.capacity(tokens, experts, training);
        int[] order = options.randomTokenPriority() ? noise.tokenOrder(tokens) : null;
        int[] slot = buffers.slot;
        int[] firstChoiceCounts = Slots.assign(expert, tokens, k, experts, order, slot);
        boolean[] kept = buffers.kept;
        for (int i = 0; i < kept.length; i++) kept[i] = slot[i] < capacity;

        float[] weights = buffers.weight;
        combineWeights(gates, expert, kept, k, weights);

        float[] me = new float[experts];
        float[] ce = new float[experts];
        float lAux = auxLoss(gates, firstChoiceCounts, me, ce);
        float zLoss = zLoss(logSumExp);

        return new Routing(tokens, experts, k, capacity, expert, slot, kept, weights, firstChoiceCounts, me, ce,
                lAux, zLoss, options.auxLossCoefficient(experts), options.zLossWeight(), options.renormalises(),
                gates, logSumExp, routerInput, jitter, buffers);
    }

    /** {@code w_j = g_j / max(Σ g, eps)} over the kept choices, or the raw gate when not renormalising; into {@code weights}. */
    private void combineWeights(FMatrixRMaj gates, int[] expert, boolean[] kept, int k, float[] weights) {
        int tokens = gates.numRows;
        for (int s = 0; s < tokens; s++) {
            float sum = 0f;
            for (int j = 0; j < k; j++) {
                int i = s * k + j;
                weights[i] = kept[i] ? gates.get(s, expert[i]) : 0f;
                sum += weights[i];
            }
            if (options.renormalises()) {
                float denominator = Math.max(sum, EPS);
                for (int j = 0; j < k; j++) weights[s * k + j] /= denominator;
            }
        }
    }

    /** {@code l_aux = mean_e(me_e · ce_e)}; fills {@code me} and {@code ce}. Zero for an empty block. */
    private static float auxLoss(FMatrixRMaj gates, int[] firstChoiceCounts, float[] me, float[] ce) {
        int tokens = gates.numRows;
        int experts = gates.numCols;
        if (tokens == 0) return 0f;
        double[] sums = new double[experts];
        for (int s = 0; s < tokens; s++) {
            int row = s * experts;
            for (int e = 0; e < experts; e++) sums[e] += gates.data[row + e];
        }
        double lAux = 0;
        for (int e = 0; e < experts; e++) {
            me[e] = (float) (sums[e] / tokens);
            ce[e] = (float) firstChoiceCounts[e] / tokens;
            lAux += (double) me[e] * ce[e];
        }
        return (float) (lAux / experts);
    }

    /** {@code mean_s(logsumexp_s²)}. */
    private static float zLoss(float[] logSumExp) {
        if (logSumExp.length == 0) return 0f;
        double sum = 0;
        for (float lse : logSumExp) sum += (double) lse * lse;
        return (float) (sum / logSumExp.length);
    }

    /**
     * Backward of routing. Given {@code dWeight[s·k+j] = dLoss/dw_j(s)} (from the combine), adds the
     * gradients of the router loss ({@code l_aux} through {@code me}, z-loss through the logits),
     * runs the softmax backward, adds {@code dLoss/dWg} to {@code weightGradient} and returns the
     * gradient of the loss with respect to the gate input {@code x} [S × M] along the gate path,
     * in a new matrix.
     *
     * @param weightGradient {@code dLoss/dWg} [M × E] is added to it
     */
    public FMatrixRMaj backward(Routing routing, float[] dWeight, FMatrixRMaj weightGradient, MatMul mm) {
        return backward(routing, dWeight, weightGradient, new FMatrixRMaj(routing.tokens(), modelDim()), mm);
    }

    /** {@link #backward(Routing, float[], FMatrixRMaj, MatMul)} writing the input gradient into {@code dx} (reshaped to S × M). */
    public FMatrixRMaj backward(Routing routing, float[] dWeight, FMatrixRMaj weightGradient, FMatrixRMaj dx, MatMul mm) {
        int tokens = routing.tokens();
        int k = routing.topK();
        if (dWeight.length != tokens * k)
            throw new IllegalArgumentException("weight gradient has " + dWeight.length + " entries, routing has "
                    + tokens + " tokens x top-" + k);
        FMatrixRMaj dLogits = GateBackward.logitGradients(routing, dWeight);
        Checks.shape("gate weight gradient", weightGradient, modelDim(), experts());
        mm.mulTransA(routing.routerInput(), dLogits, weightGradient, true);
        mm.mulTransB(dLogits, weight, Buffers.reshape(dx, tokens, modelDim()), false);
        if (routing.jitter() != null) Elementwise.hadamardInPlace(dx, routing.jitter());
        return dx;
    }

    /** A zero gradient of the weight's shape. */
    public FMatrixRMaj newGrad() {
        return new FMatrixRMaj(modelDim(), experts());
    }
}
