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
    /** The selection bias [E] (DeepSeek-V3's auxiliary-loss-free balancing), or null when not used. */
    private final float[] selectionBias;

    public Gate(FMatrixRMaj weight, RoutingOptions options) {
        if (weight.numCols < 1 || weight.numRows < 1)
            throw new IllegalArgumentException("gate weight must be M×E with M, E >= 1, got "
                    + weight.numRows + "x" + weight.numCols);
        if (options.kind() == RoutingKind.TOKEN_CHOICE && options.topK() > weight.numCols)
            throw new IllegalArgumentException("top-" + options.topK() + " routing needs at least "
                    + options.topK() + " experts, but the gate weight has E=" + weight.numCols);
        options.requireFits(weight.numCols);
        Checks.finite("gate weight", weight);
        this.weight = weight;
        this.options = options;
        this.selectionBias = options.usesSelectionBias() ? new float[weight.numCols] : null;
    }

    /** Wg, [M × E]. Optimizers update it in place. */
    public FMatrixRMaj weight() { return weight; }

    public RoutingOptions options() { return options; }

    public int modelDim() { return weight.numRows; }

    public int experts() { return weight.numCols; }

    /** The selection bias [E], changed only by {@link #updateSelectionBias}; null when the options use none. */
    public float[] selectionBias() { return selectionBias; }

    /** Moves the selection bias towards balance of {@code loads}, every rank's selections per expert (see {@link SelectionBias}). */
    public void updateSelectionBias(long[] loads) {
        if (selectionBias == null) throw new IllegalStateException("this gate's routing uses no selection bias");
        SelectionBias.update(selectionBias, loads, options.biasUpdateRate());
    }

    /** Replaces the selection bias (a checkpoint, the reference vectors). */
    public void loadSelectionBias(float[] bias) {
        if (selectionBias == null) throw new IllegalStateException("this gate's routing uses no selection bias");
        if (bias.length != selectionBias.length)
            throw new IllegalArgumentException("a selection bias of " + bias.length + " experts for a gate over " + selectionBias.length);
        System.arraycopy(bias, 0, selectionBias, 0, bias.length);
    }

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
        boolean expertChoice = options.kind() == RoutingKind.EXPERT_CHOICE;
        int k = expertChoice ? experts : options.topK();
        if (x.numCols != modelDim())
            throw new IllegalArgumentException("gate input is " + tokens + "x" + x.numCols
                    + " but the gate weight is " + modelDim() + "x" + experts + " (M differs)");
        Checks.finite("gate input", x);
        buffers.shape(tokens, experts, k, options.groups() > 1 ? options.topkGroups() : 0);

        FMatrixRMaj jitter = null;
        FMatrixRMaj routerInput = x;
        if (options.noise() == NoisePolicy.JITTER && training && options.jitterEps() > 0f) {
            jitter = noise.jitter(tokens, modelDim(), options.jitterEps());
            routerInput = Elementwise.hadamard(x, jitter);
        }
        FMatrixRMaj logits = buffers.logits;
        mm.mul(routerInput, weight, logits, false);

        FMatrixRMaj scores = buffers.gates;
        float[] logSumExp = buffers.logSumExp;
        Scores.compute(options.score(), logits, scores, logSumExp, options.zLossWeight() > 0f);

        int capacity = options.capacity(tokens, experts, training);
        int[] expert = buffers.expert;
        int[] slot = buffers.slot;
        boolean[] kept = buffers.kept;
        int[] firstChoiceCounts;
        int[] groupsSpanned = options.groups() > 1 ? new int[options.groups() + 1] : null;
        if (expertChoice) {
            ExpertChoice.pick(scores, capacity, expert, slot, kept);
            firstChoiceCounts = new int[experts];
        } else {
            if (options.selectsDeterministically()) {
                new Selection(experts, options.groups(), options.topkGroups(), k, selectionBias).choose(scores, expert, buffers.keptGroups, groupsSpanned);
            } else {
                GumbelChoice gumbel = options.noise() == NoisePolicy.GUMBEL && k > 1 ? GumbelChoice.of(noise, tokens, experts) : null;
                Choices.topK(scores, logits, gumbel, k, expert);
            }
            int[] order = options.randomTokenPriority() ? noise.tokenOrder(tokens) : null;
            firstChoiceCounts = Slots.assign(expert, tokens, k, experts, order, slot);
            for (int i = 0; i < kept.length; i++) kept[i] = slot[i] < capacity;
        }
        int[] selections = new int[experts];
        for (int i = 0; i < tokens * k; i++) if (!expertChoice || kept[i]) selections[expert[i]]++;

        float[] weights = buffers.weight;
        WeightNormalization normalization = options.normalization();
        combineWeights(scores, expert, kept, k, normalization, weights);

        float[] auxScores = new float[experts];
        float[] auxLoads = new float[experts];
        float lAux = BalanceLoss.value(options.aux(), options.score(), scores, firstChoiceCounts, selections, k, auxScores, auxLoads);
        float zLoss = zLoss(logSumExp);

        return new Routing(tokens, experts, k, capacity, expert, slot, kept, weights, firstChoiceCounts, selections,
                groupsSpanned, selectionBias == null ? null : selectionBias.clone(), auxScores, auxLoads, lAux, zLoss, options, scores, logSumExp, routerInput, jitter, buffers);
    }

    /**
     * The combine weight of every choice into {@code weights}: the score of its expert, normalised
     * as {@code normalization} says, times the route scale; 0 for a dropped choice, which is never combined.
     */
    private void combineWeights(FMatrixRMaj scores, int[] expert, boolean[] kept, int k, WeightNormalization normalization,
                                float[] weights) {
        int tokens = scores.numRows;
        float routeScale = options.routeScale();
        for (int s = 0; s < tokens; s++) {
            float keptSum = 0f;
            float chosenSum = 0f;
            for (int j = 0; j < k; j++) {
                int i = s * k + j;
                float score = scores.get(s, expert[i]);
                chosenSum += score;
                weights[i] = kept[i] ? score : 0f;
                keptSum += weights[i];
            }
            float denominator = switch (normalization) {
                case KEPT -> Math.max(keptSum, EPS);
                case CHOSEN -> Math.max(chosenSum, EPS);
                case NONE -> 1f;
            };
            for (int j = 0; j < k; j++) {
                int i = s * k + j;
                if (normalization != WeightNormalization.NONE) weights[i] /= denominator;
                if (routeScale != 1f) weights[i] *= routeScale;
            }
        }
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
