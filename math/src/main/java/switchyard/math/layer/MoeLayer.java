package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.expert.SharedExperts;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.linalg.MatMul;
import switchyard.math.precision.Bfloat16;
import switchyard.math.tensor.BufferPool;

import java.util.ArrayList;
import java.util.List;

/**
 * The oracle: the whole expert-parallel layer in one process. It folds {@code W} ranks — each
 * routes its own tokens with its own gate replica, capacity and noise — and runs exactly the
 * exchange the actors run, with method calls in place of messages. Every distributed run is
 * checked against it.
 *
 * <p>Each forward pass writes into one {@link StepBuffers} per rank. They belong to the pass until
 * {@link #release} returns them for the next pass to reuse; a caller that never releases gets
 * fresh buffers every pass.
 */
public final class MoeLayer {
    private final List<Gate> gates;
    private final List<ExpertShard> shards;
    private final List<SharedExperts> shared;
    private final List<FMatrixRMaj> gateGrads = new ArrayList<>();
    private final List<List<ExpertGrads>> sharedGrads = new ArrayList<>();
    private final List<List<ExpertGrads>> expertGrads = new ArrayList<>();
    private final List<BufferPool<StepBuffers>> buffers = new ArrayList<>();
    /** The router's kernel (always float32) and the experts' (float32 or bfloat16, see {@code Precision}). */
    private final MatMul mm;
    private final MatMul expertMm;
    /** Whether exchanged rows are rounded to bfloat16 as they leave their rank, as the rank actors do with {@code --wire bf16}. */
    private boolean bf16Rows;

    /**
     * @param gates   one gate replica per rank (W of them)
     * @param experts all E experts, by global id; rank r owns experts {@code r·L … r·L+L-1}
     */
    public MoeLayer(List<Gate> gates, List<Expert> experts, MatMul mm) {
        this(gates, experts, java.util.Collections.nCopies(gates.size(), SharedExperts.none()), mm);
    }

    /**
     * @param gates   one gate replica per rank (W of them)
     * @param experts all E experts, by global id; rank r owns experts {@code r·L … r·L+L-1}
     * @param shared  one replica of the shared experts per rank (W of them; empty for none)
     */
    public MoeLayer(List<Gate> gates, List<Expert> experts, List<SharedExperts> shared, MatMul mm) {
        this(gates, experts, shared, mm, mm);
    }

    /**
     * @param mm       the router's kernel
     * @param expertMm the routed and shared experts' kernel
     */
    public MoeLayer(List<Gate> gates, List<Expert> experts, List<SharedExperts> shared, MatMul mm, MatMul expertMm) {
        int worldSize = gates.size();
        if (worldSize < 1) throw new IllegalArgumentException("need at least one rank");
        int e = gates.get(0).experts();
        for (int r = 0; r < worldSize; r++) {
            if (gates.get(r).experts() != e || gates.get(r).modelDim() != gates.get(0).modelDim())
                throw new IllegalArgumentException("gate replica of rank " + r + " has a different shape");
        }
        if (experts.size() != e)
            throw new IllegalArgumentException("gates route to E=" + e + " experts but " + experts.size() + " were given");
        if (e % worldSize != 0)
            throw new IllegalArgumentException("E=" + e + " experts cannot be split over W=" + worldSize + " ranks");
        int local = e / worldSize;
        List<ExpertShard> shards = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) shards.add(new ExpertShard(r * local, experts.subList(r * local, (r + 1) * local)));
        if (shared.size() != worldSize)
            throw new IllegalArgumentException(shared.size() + " replicas of the shared experts for W=" + worldSize + " ranks");
        this.gates = List.copyOf(gates);
        this.shards = List.copyOf(shards);
        this.shared = List.copyOf(shared);
        this.mm = mm;
        this.expertMm = expertMm;
        for (Gate g : this.gates) gateGrads.add(g.newGrad());
        for (SharedExperts s : this.shared) sharedGrads.add(s.newGrads());
        for (ExpertShard shard : this.shards) expertGrads.add(shard.newGrads());
        for (int r = 0; r < worldSize; r++) buffers.add(new BufferPool<>(StepBuffers::new, StepBuffers::poison));
    }

    /**
     * Rounds every row the all-to-all would carry (dispatched tokens, expert outputs, both
     * gradients) to bfloat16 where it leaves its rank, as rank actors do with {@code --wire bf16}.
     * Changes this layer (its later passes), and returns it.
     */
    public MoeLayer roundRowsToBf16(boolean on) {
        bf16Rows = on;
        return this;
    }

    public int worldSize() { return gates.size(); }

    public Gate gate(int rank) { return gates.get(rank); }

    public ExpertShard shard(int rank) { return shards.get(rank); }

    /** {@code dLoss/dWg} of rank r's replica, accumulated by {@link #backward} since {@link #zeroGrad()}. */
    public FMatrixRMaj gateGrad(int rank) { return gateGrads.get(rank); }

    /** Parameter gradients of rank r's replica of the shared experts, accumulated like {@link #gateGrad}. */
    public List<ExpertGrads> sharedGrad(int rank) { return sharedGrads.get(rank); }

    public SharedExperts shared(int rank) { return shared.get(rank); }

    /** Parameter gradients of global expert {@code e}, accumulated like {@link #gateGrad}. */
    public ExpertGrads expertGrad(int e) {
        int local = shards.get(0).size();
        return expertGrads.get(e / local).get(e % local);
    }

    /** A forward pass, kept for its backward, with the buffers of every rank it writes into. */
    public record Forward(List<SourceStep> sources, List<ExpertShard.Pass> passes, List<FMatrixRMaj> outputs,
                          List<StepBuffers> buffers) {}

    /** {@code block} as it leaves its rank: rounded to bfloat16 in place when {@link #roundRowsToBf16} is on. */
    private ExpertRows leaving(ExpertRows block) {
        if (bf16Rows) Bfloat16.round(block.rows().data, block.rows().data, 0, block.rows().getNumElements());
        return block;
    }

    /**
     * Which hidden units of every routed and shared expert are active (ReLU > 0) in {@code f}, one
     * character each: where a function of the layer is not differentiable, and what bfloat16
     * rounding can switch.
     */
    public static String reluPattern(Forward f) {
        StringBuilder sb = new StringBuilder();
        for (ExpertShard.Pass pass : f.passes()) {
            for (int l = 0; l < pass.experts(); l++) {
                FMatrixRMaj hidden = pass.hidden(l);
                for (int i = 0; i < hidden.numRows * hidden.numCols; i++) sb.append(hidden.data[i] > 0 ? '1' : '0');
            }
        }
        for (StepBuffers buffers : f.buffers()) sb.append(buffers.shared.reluPattern());
        return sb.toString();
    }

    /** Forward for every rank: {@code inputs.get(r)} [S_r × M], with that rank's noise. */
    public Forward forward(List<FMatrixRMaj> inputs, List<GateNoise> noise, boolean training) {
        int w = worldSize();
        if (inputs.size() != w || noise.size() != w)
            throw new IllegalArgumentException("need " + w + " input blocks and noise sources, got "
                    + inputs.size() + " and " + noise.size());
        List<StepBuffers> taken = new ArrayList<>(w);
        List<SourceStep> sources = new ArrayList<>(w);
        List<ExpertShard.Pass> passes = new ArrayList<>(w);
        for (int r = 0; r < w; r++) {
            StepBuffers b = buffers.get(r).take();
            taken.add(b);
            passes.add(b.pass);
            Routing routing = gates.get(r).route(inputs.get(r), noise.get(r), training, mm, b.routing);
            sources.add(new SourceStep(routing, inputs.get(r), w, b.source));
            shared.get(r).forward(inputs.get(r), b.shared, expertMm);
        }
        for (int owner = 0; owner < w; owner++) {
            List<ExpertRows> arriving = new ArrayList<>(w);
            for (SourceStep source : sources) arriving.add(leaving(source.dispatchTo(owner)));
            shards.get(owner).forward(arriving, passes.get(owner), expertMm); // answers in the arriving blocks
            arriving.forEach(this::leaving);
            for (int r = 0; r < w; r++) sources.get(r).acceptOutputs(owner, arriving.get(r));
        }
        List<FMatrixRMaj> outputs = new ArrayList<>(w);
        for (int r = 0; r < w; r++) {
            FMatrixRMaj out = sources.get(r).combine();
            taken.get(r).shared.addOutput(out);
            outputs.add(out);
        }
        return new Forward(sources, passes, outputs, taken);
    }

    /**
     * Backward from {@code dOut.get(r) = dLoss/doutput_r}. Accumulates the gate replicas' and the
     * experts' parameter gradients; returns {@code dLoss/dinput_r} per rank.
     */
    public List<FMatrixRMaj> backward(Forward forward, List<FMatrixRMaj> dOut) {
        int w = worldSize();
        if (dOut.size() != w) throw new IllegalArgumentException("need " + w + " output gradients, got " + dOut.size());
        for (int r = 0; r < w; r++) shared.get(r).backward(forward.buffers().get(r).shared, dOut.get(r), sharedGrads.get(r), expertMm);
        for (int owner = 0; owner < w; owner++) {
            List<ExpertRows> arriving = new ArrayList<>(w);
            for (int r = 0; r < w; r++) arriving.add(leaving(forward.sources().get(r).gradientsTo(owner, dOut.get(r))));
            shards.get(owner).backward(forward.passes().get(owner), arriving, expertGrads.get(owner), expertMm); // answers in place
            arriving.forEach(this::leaving);
            for (int r = 0; r < w; r++) forward.sources().get(r).acceptInputGradients(owner, arriving.get(r));
        }
        List<FMatrixRMaj> dx = new ArrayList<>(w);
        for (int r = 0; r < w; r++) {
            SourceStep source = forward.sources().get(r);
            FMatrixRMaj gatePath = gates.get(r).backward(source.routing(), source.weightGradients(), gateGrads.get(r),
                    source.inputGradient(), mm);
            source.addInputGradients(gatePath);
            forward.buffers().get(r).shared.addInputGradient(gatePath);
            dx.add(gatePath);
        }
        return dx;
    }

    /**
     * Gives {@code forward}'s buffers back for the next passes to reuse. Afterwards nothing of it —
     * its routings, outputs, or the input gradients its backward returned — may be read.
     */
    public void release(Forward forward) {
        if (forward.buffers().size() != worldSize())
            throw new IllegalArgumentException("a forward pass of " + forward.buffers().size() + " ranks, this layer has " + worldSize());
        for (int r = 0; r < worldSize(); r++) buffers.get(r).release(forward.buffers().get(r));
    }

    public void zeroGrad() {
        gateGrads.forEach(FMatrixRMaj::zero);
        expertGrads.forEach(list -> list.forEach(ExpertGrads::zero));
        sharedGrads.forEach(list -> list.forEach(ExpertGrads::zero));
    }

    /** Every rank's selections per expert in {@code forward}, summed: the global load the selection bias balances. */
    public static long[] selectionLoads(Forward forward) {
        long[] loads = null;
        for (SourceStep source : forward.sources()) {
            int[] s = source.routing().selections();
            if (loads == null) loads = new long[s.length];
            for (int e = 0; e < s.length; e++) loads[e] += s[e];
        }
        return loads;
    }

    /** Moves every replica's selection bias by the global load of {@code forward} (see {@link Gate#updateSelectionBias}). */
    public void updateSelectionBias(Forward forward) {
        long[] loads = selectionLoads(forward);
        for (Gate g : gates) g.updateSelectionBias(loads);
    }
}
