package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;

/**
 * The outcome of routing one rank's tokens: for each token and each of its k choices, the expert,
 * the slot in that expert's queue, whether the slot fits under the capacity, and the combine weight;
 * for the rank, the capacity, {@code l_aux}, z-loss and the load per expert. Also keeps what the
 * gate backward needs (gates, log-sum-exp, the router input).
 *
 * <p>Choice {@code j} of token {@code s} is stored at flat index {@code s·k + j}. The kept
 * assignments of an expert occupy slots {@code 0..n_e-1} with no gaps (slots are handed out in
 * queue order and cut at the capacity), so they are listed per expert in slot order:
 * {@link #assignmentsOf(int)} / {@link #assignment(int, int)}. That list is the row order of every
 * sparse exchange; no capacity padding exists anywhere.
 *
 * <p>Immutable by convention while it is in use: its arrays live in the {@link RoutingBuffers} it was
 * made with and are never changed until those buffers are used for another routing.
 */
public final class Routing {
    private final int tokens;
    private final int experts;
    private final int topK;
    private final int capacity;
    private final int[] expert;
    private final int[] slot;
    private final boolean[] kept;
    private final float[] weight;
    private final int[] firstChoiceCounts;
    private final int[] selections;
    private final int[] groupsSpanned;
    private final float[] selectionBias;
    private final int[] assignmentOffsets;
    private final int[] assignments;
    private final float[] auxScores;
    private final float[] auxLoads;
    private final float lAux;
    private final float zLoss;
    private final RoutingOptions options;
    private final float auxLossCoefficient;
    private final FMatrixRMaj gates;
    private final float[] logSumExp;
    private final FMatrixRMaj routerInput;
    private final FMatrixRMaj jitter;
    private final RoutingBuffers buffers;

    Routing(int tokens, int experts, int topK, int capacity, int[] expert, int[] slot, boolean[] kept,
            float[] weight, int[] firstChoiceCounts, int[] selections, int[] groupsSpanned, float[] selectionBias, float[] auxScores,
            float[] auxLoads, float lAux, float zLoss, RoutingOptions options, FMatrixRMaj gates,
            float[] logSumExp, FMatrixRMaj routerInput, FMatrixRMaj jitter, RoutingBuffers buffers) {
        this.tokens = tokens;
        this.experts = experts;
        this.topK = topK;
        this.capacity = capacity;
        this.expert = expert;
        this.slot = slot;
        this.kept = kept;
        this.weight = weight;
        this.firstChoiceCounts = firstChoiceCounts;
        this.selections = selections;
        this.groupsSpanned = groupsSpanned;
        this.selectionBias = selectionBias;
        this.auxScores = auxScores;
        this.auxLoads = auxLoads;
        this.lAux = lAux;
        this.zLoss = zLoss;
        this.options = options;
        this.auxLossCoefficient = options.auxLossCoefficient(experts);
        this.gates = gates;
        this.logSumExp = logSumExp;
        this.routerInput = routerInput;
        this.jitter = jitter;
        this.buffers = buffers;
        this.assignmentOffsets = new int[experts + 1];
        for (int i = 0; i < expert.length; i++) if (kept[i]) assignmentOffsets[expert[i] + 1]++;
        for (int e = 0; e < experts; e++) assignmentOffsets[e + 1] += assignmentOffsets[e];
        this.assignments = buffers.assignments; // the first assignmentOffsets[experts] entries
        for (int i = 0; i < expert.length; i++) if (kept[i]) assignments[assignmentOffsets[expert[i]] + slot[i]] = i;
    }

    /** S: tokens on this rank. */
    public int tokens() { return tokens; }

    /** E: experts in the layer. */
    public int experts() { return experts; }

    /** k: choices per token; for expert choice E, one per expert (see {@link #expertChoice()}). */
    public int topK() { return topK; }

    /** Whether each expert chose its tokens: choice e of a token is expert e, kept when the expert took it. */
    public boolean expertChoice() { return options.kind() == RoutingKind.EXPERT_CHOICE; }

    /** The options this routing followed. */
    public RoutingOptions options() { return options; }

    /** C: slots per expert for this rank's tokens. */
    public int capacity() { return capacity; }

    /** Expert of choice {@code j} of token {@code s} (recorded even when dropped). */
    public int expert(int s, int j) { return expert[s * topK + j]; }

    /** Queue position of choice {@code j} of token {@code s}, before the capacity cut. */
    public int slot(int s, int j) { return slot[s * topK + j]; }

    /** Whether choice {@code j} of token {@code s} fits under the capacity. */
    public boolean kept(int s, int j) { return kept[s * topK + j]; }

    /** Combine weight of choice {@code j} of token {@code s} (route scale included); 0 when dropped. */
    public float weight(int s, int j) { return weight[s * topK + j]; }

    /** Combine weight by flat index {@code s·k + j}. */
    public float weightAt(int flat) { return weight[flat]; }

    /** Copy of every choice's expert, flat [S·k] with choice j of token s at {@code s·k+j}. */
    public int[] expertArray() { return expert.clone(); }

    /** Copy of every choice's queue position, flat like {@link #expertArray()}. */
    public int[] slotArray() { return slot.clone(); }

    /** Copy of every choice's kept flag, flat like {@link #expertArray()}. */
    public boolean[] keptArray() { return kept.clone(); }

    /** Copy of every choice's combine weight, flat like {@link #expertArray()}. */
    public float[] weightArray() { return weight.clone(); }

    /** Copy of {@code count1} for all experts. */
    public int[] firstChoiceCounts() { return firstChoiceCounts.clone(); }

    /**
     * Copy of the choices per expert before capacity (token choice: every choice of every token;
     * expert choice: the tokens each expert took): the load the selection bias balances.
     */
    public int[] selections() { return selections.clone(); }

    /** Choices of expert {@code e} before capacity (see {@link #selections()}). */
    public int selectionsAt(int e) { return selections[e]; }

    /**
     * Copy of the number of tokens whose k experts fall in exactly n groups, at index n ([G + 1]);
     * null without a group limit.
     */
    public int[] groupsSpanned() { return groupsSpanned == null ? null : groupsSpanned.clone(); }

    /** Copy of the selection bias this routing chose with, or null when the routing uses none. */
    public float[] selectionBias() { return selectionBias == null ? null : selectionBias.clone(); }

    /**
     * Copy of every token's kept groups in ascending order, flat [S·TG] with token s's at
     * {@code s·TG ..}; null without a group limit.
     */
    public int[] keptGroups() {
        if (groupsSpanned == null) return null;
        return java.util.Arrays.copyOf(buffers.keptGroups, tokens * options.topkGroups());
    }

    /** Kept assignments (tokens) at expert {@code e}; at most the capacity. */
    public int tokensAt(int e) { return assignmentOffsets[e + 1] - assignmentOffsets[e]; }

    /** Kept assignments at experts {@code from..to-1}. */
    public int tokensAt(int from, int to) { return assignmentOffsets[to] - assignmentOffsets[from]; }

    /** Flat index {@code s·k + j} of the assignment in slot {@code slot} of expert {@code e}. */
    public int assignment(int e, int slot) { return assignments[assignmentOffsets[e] + slot]; }

    /** Flat index of the {@code i}-th kept assignment counted over all experts in (expert, slot) order. */
    public int assignmentAt(int i) { return assignments[i]; }

    /** Index into {@link #assignmentAt(int)} of expert {@code e}'s first assignment. */
    public int assignmentOffset(int e) { return assignmentOffsets[e]; }

    /** Copy of the flat indices of expert {@code e}'s kept assignments, in slot order. */
    public int[] assignmentsOf(int e) {
        return java.util.Arrays.copyOfRange(assignments, assignmentOffsets[e], assignmentOffsets[e + 1]);
    }

    /** Total kept assignments. */
    public int keptAssignments() { return assignmentOffsets[experts]; }

    /** Dropped assignments of choice {@code j} (0-based) over all tokens. */
    public int dropped(int j) {
        int n = 0;
        for (int s = 0; s < tokens; s++) if (!kept[s * topK + j]) n++;
        return n;
    }

    /** Tokens none of whose choices was kept: their output is zero. */
    public int droppedTokens() {
        int n = 0;
        for (int s = 0; s < tokens; s++) {
            boolean any = false;
            for (int j = 0; j < topK; j++) any |= kept[s * topK + j];
            if (!any) n++;
        }
        return n;
    }

    /**
     * The balance loss's score term of expert {@code e}: GShard's {@code me_e = mean_s scores_se}, or
     * the sequence-wise loss's {@code P_e} (see {@link BalanceLoss}); 0 without a balance loss.
     */
    public float auxScore(int e) { return auxScores[e]; }

    /** The balance loss's load term of expert {@code e}: GShard's {@code ce_e}, or the sequence-wise {@code f_e}. */
    public float auxLoad(int e) { return auxLoads[e]; }

    /** The raw balance loss ({@link RoutingOptions#aux()}), before any weight; 0 for none. */
    public float lAux() { return lAux; }

    /** The raw router z-loss {@code mean_s(logsumexp(logits_s)²)}, before any weight. */
    public float zLoss() { return zLoss; }

    /** Coefficient of {@link #lAux()} in the loss (weight, times E² when so configured). */
    public float auxLossCoefficient() { return auxLossCoefficient; }

    /** Coefficient of {@link #zLoss()} in the loss. */
    public float zLossWeight() { return options.zLossWeight(); }

    /** What routing adds to the loss: {@code aux coefficient · l_aux + z weight · z-loss}. */
    public float routerLoss() { return auxLossCoefficient * lAux + options.zLossWeight() * zLoss; }

    /** Whether combine weights were divided by the sum of the kept gates. */
    public boolean renormalised() { return options.renormalises(); }

    /** The scores of the logits ({@link RoutingOptions#score()}: softmax or sigmoid), [S × E]. Do not modify. */
    public FMatrixRMaj gates() { return gates; }

    /** The logits {@code x·Wg}, [S × E]. Do not modify. */
    public FMatrixRMaj logits() { return buffers.logits; }

    /** {@code logsumexp} of each token's logits. */
    public float logSumExp(int s) { return logSumExp[s]; }

    /** The matrix the logits were computed from (the input, or the jittered input). Do not modify. */
    public FMatrixRMaj routerInput() { return routerInput; }

    /** The jitter multipliers applied to the input, or null when there was none. */
    public FMatrixRMaj jitter() { return jitter; }

    /** Where this routing's arrays live; the gate backward writes its intermediates there too. */
    RoutingBuffers buffers() { return buffers; }

    /**
     * The dense GShard view {@code combine[s][e][c]}, as an [S × E·C] matrix with column
     * {@code e·C + c}. Built on demand for inspection and tests; never used on a hot path.
     */
    public FMatrixRMaj denseCombine() {
        FMatrixRMaj combine = new FMatrixRMaj(tokens, experts * capacity);
        for (int i = 0; i < expert.length; i++) {
            if (kept[i]) combine.set(i / topK, expert[i] * capacity + slot[i], weight[i]);
        }
        return combine;
    }

    /** The dense view {@code dispatch = combine != 0}, as 0/1 floats in the layout of {@link #denseCombine()}. */
    public FMatrixRMaj denseDispatch() {
        FMatrixRMaj dispatch = denseCombine();
        for (int i = 0; i < dispatch.data.length; i++) dispatch.data[i] = dispatch.data[i] != 0f ? 1f : 0f;
        return dispatch;
    }
}
