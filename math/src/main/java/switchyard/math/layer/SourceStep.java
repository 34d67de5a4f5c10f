package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.Combine;
import switchyard.math.dispatch.Dispatch;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.gate.Routing;
import switchyard.math.tensor.Buffers;

import java.util.Arrays;

/**
 * The source side of one step on one rank: its tokens, their routing, the expert outputs that came
 * back from each owner, and the gradients that go out and come home. The owner of experts
 * {@code d·L … d·L+L-1} is rank {@code d}.
 *
 * <p>Everything that depends on arrival order is deferred: outputs and input gradients are stored
 * per owner and summed in owner-rank order, so the result is bit-identical however messages arrive.
 *
 * <p>The rows for each owner are gathered into one block of the step's {@link SourceBuffers}, and
 * the owner may answer in that very block (in one JVM it does: no copy either way); the output
 * gradients for the owner are gathered into the same block once the outputs have been used.
 */
public final class SourceStep {
    private final FMatrixRMaj input;
    private final Routing routing;
    private final int worldSize;
    private final int localExperts;
    private final ExpertRows[] outputs;
    private final ExpertRows[] inputGradients;
    private final SourceBuffers buffers;

    /** @param routing the gate's routing of {@code input} [S × M] */
    public SourceStep(Routing routing, FMatrixRMaj input, int worldSize) {
        this(routing, input, worldSize, new SourceBuffers());
    }

    /** A step writing into {@code buffers}, which it uses until the step is over. */
    public SourceStep(Routing routing, FMatrixRMaj input, int worldSize, SourceBuffers buffers) {
        if (routing.experts() % worldSize != 0)
            throw new IllegalArgumentException("E=" + routing.experts() + " experts cannot be split over W=" + worldSize + " ranks");
        if (input.numRows != routing.tokens())
            throw new IllegalArgumentException("input has " + input.numRows + " rows but routing has " + routing.tokens() + " tokens");
        this.input = input;
        this.worldSize = worldSize;
        this.localExperts = routing.experts() / worldSize;
        this.routing = routing;
        this.outputs = new ExpertRows[worldSize];
        this.inputGradients = new ExpertRows[worldSize];
        this.buffers = buffers;
        buffers.shape(worldSize, localExperts, routing.tokens() * routing.topK());
        Arrays.fill(buffers.weightGradients, 0f); // dropped choices are never written and stay 0
    }

    public Routing routing() { return routing; }

    public FMatrixRMaj input() { return input; }

    /** Forward rows for the owner rank {@code owner}: this rank's tokens routed to its experts, in the owner's block. */
    public ExpertRows dispatchTo(int owner) {
        checkRank(owner);
        return Dispatch.gather(routing, input, owner * localExperts, (owner + 1) * localExperts,
                buffers.blocks[owner], buffers.counts[owner]);
    }

    /** Records the expert outputs {@code owner} returned for {@link #dispatchTo(int)}. */
    public void acceptOutputs(int owner, ExpertRows block) {
        checkOwner(owner, outputs, "expert outputs");
        checkCounts(owner, block);
        outputs[owner] = block;
    }

    /** {@code out[s] = Σ_j w_j·f_{e_j}(x[s])}, summed in owner-rank order. Needs every owner's outputs. */
    public FMatrixRMaj combine() {
        FMatrixRMaj out = Buffers.reshape(buffers.output, routing.tokens(), input.numCols);
        out.zero();
        for (int owner = 0; owner < worldSize; owner++) {
            Combine.scatterAdd(routing, owner * localExperts, require(outputs, owner, "expert outputs"), true, out);
        }
        return out;
    }

    /**
     * Output gradients for {@code owner}: {@code w·dOut} rows along the forward route, gathered into
     * the owner's block (the owner's outputs are read first and not needed after). Also records
     * {@code dLoss/dw} for the choices that went there (for the gate backward).
     */
    public ExpertRows gradientsTo(int owner, FMatrixRMaj dOut) {
        if (dOut.numRows != routing.tokens() || dOut.numCols != input.numCols)
            throw new IllegalArgumentException("output gradient is " + dOut.numRows + "x" + dOut.numCols
                    + " but the output is " + routing.tokens() + "x" + input.numCols);
        return Combine.backward(routing, owner * localExperts, require(outputs, owner, "expert outputs"), dOut,
                weightGradients(), buffers.blocks[owner], buffers.counts[owner]);
    }

    /** Records the input gradients {@code owner} returned for {@link #gradientsTo}. */
    public void acceptInputGradients(int owner, ExpertRows block) {
        checkOwner(owner, inputGradients, "input gradients");
        checkCounts(owner, block);
        inputGradients[owner] = block;
    }

    /**
     * {@code dLoss/dw} for every choice, for the gate backward; complete once {@link #gradientsTo}
     * ran for every owner (dropped choices stay 0).
     */
    public float[] weightGradients() {
        return buffers.weightGradients;
    }

    /**
     * The step's matrix for {@code dLoss/dinput} [S × M], to be filled with the gate path (the gate
     * backward writes it) before {@link #addInputGradients} adds the expert paths.
     */
    public FMatrixRMaj inputGradient() {
        return Buffers.reshape(buffers.inputGradient, routing.tokens(), input.numCols);
    }

    /**
     * Adds the expert paths of {@code dLoss/dx} to {@code dx} (which holds the gate path), in
     * owner-rank order. Needs every owner's input gradients.
     */
    public void addInputGradients(FMatrixRMaj dx) {
        for (int owner = 0; owner < worldSize; owner++) {
            Combine.scatterAdd(routing, owner * localExperts, require(inputGradients, owner, "input gradients"), false, dx);
        }
    }

    private void checkRank(int owner) {
        if (owner < 0 || owner >= worldSize)
            throw new IllegalArgumentException("rank " + owner + " is not one of the ranks 0.." + (worldSize - 1));
    }

    private void checkOwner(int owner, ExpertRows[] slots, String what) {
        if (owner < 0 || owner >= worldSize)
            throw new IllegalArgumentException(what + " from rank " + owner + ", but ranks are 0.." + (worldSize - 1));
        if (slots[owner] != null) throw new IllegalArgumentException("duplicate " + what + " from rank " + owner);
    }

    private void checkCounts(int owner, ExpertRows block) {
        if (block.experts() != localExperts)
            throw new IllegalArgumentException("rank " + owner + " answered for " + block.experts()
                    + " experts but owns " + localExperts);
        if (block.rows().numCols != input.numCols)
            throw new IllegalArgumentException("rank " + owner + " answered rows of width " + block.rows().numCols
                    + ", expected M=" + input.numCols);
        for (int l = 0; l < localExperts; l++) {
            int e = owner * localExperts + l;
            if (block.counts()[l] != routing.tokensAt(e))
                throw new IllegalArgumentException("rank " + owner + " answered " + block.counts()[l]
                        + " rows for expert " + e + " but " + routing.tokensAt(e) + " were sent");
        }
    }

    private static ExpertRows require(ExpertRows[] slots, int owner, String what) {
        if (slots[owner] == null) throw new IllegalStateException("no " + what + " from rank " + owner + " yet");
        return slots[owner];
    }
}
