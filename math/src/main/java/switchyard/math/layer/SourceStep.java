package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.Combine;
import switchyard.math.dispatch.Dispatch;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.dispatch.SlotRoute;
import switchyard.math.gate.Routing;
import switchyard.math.placement.Placement;
import switchyard.math.tensor.Buffers;

import java.util.Arrays;

/**
 * The source side of one step on one rank: its tokens, their routing, the expert outputs that came
 * back from each owner, and the gradients that go out and come home. Where each expert lives is a
 * {@link Placement}: by default the static map, where rank {@code d} owns experts
 * {@code d·L … d·L+L-1}; an owner's block holds its slots' rows in slot order ({@link SlotRoute}).
 *
 * <p>Everything that depends on arrival order is deferred: outputs and input gradients are stored
 * per owner and summed in logical expert order (each expert's replicas in replica order), so the
 * result is bit-identical however messages arrive, and the same for every placement that gives
 * each expert one replica: only replicas change the order of the sums.
 *
 * <p>The rows for each owner are gathered into one block of the step's {@link SourceBuffers}, and
 * the owner may answer in that very block (in one JVM it does: no copy either way); the output
 * gradients for the owner are gathered into the same block once the outputs have been used.
 */
public final class SourceStep {
    private final FMatrixRMaj input;
    private final Routing routing;
    private final Placement placement;
    private final SlotRoute route;
    private final int worldSize;
    private final ExpertRows[] outputs;
    private final ExpertRows[] inputGradients;
    private final SourceBuffers buffers;

    /** @param routing the gate's routing of {@code input} [S × M] */
    public SourceStep(Routing routing, FMatrixRMaj input, int worldSize) {
        this(routing, input, worldSize, new SourceBuffers());
    }

    /** A step under the static map, writing into {@code buffers}, which it uses until the step is over. */
    public SourceStep(Routing routing, FMatrixRMaj input, int worldSize, SourceBuffers buffers) {
        this(routing, input, staticMap(routing, worldSize), 0, buffers);
    }

    /**
     * A step of source rank {@code source} under {@code placement}, writing into {@code buffers},
     * which it uses until the step is over.
     */
    public SourceStep(Routing routing, FMatrixRMaj input, Placement placement, int source, SourceBuffers buffers) {
        if (input.numRows != routing.tokens())
            throw new IllegalArgumentException("input has " + input.numRows + " rows but routing has " + routing.tokens() + " tokens");
        this.input = input;
        this.routing = routing;
        this.placement = placement;
        this.route = SlotRoute.of(placement, source, routing); // the static map splits nothing: any source gives its route
        this.worldSize = placement.ranks();
        this.outputs = new ExpertRows[worldSize];
        this.inputGradients = new ExpertRows[worldSize];
        this.buffers = buffers;
        buffers.shape(worldSize, placement.slotsPerRank(), routing.tokens() * routing.topK());
        Arrays.fill(buffers.weightGradients, 0f); // dropped choices are never written and stay 0
    }

    private static Placement staticMap(Routing routing, int worldSize) {
        if (worldSize < 1 || routing.experts() % worldSize != 0)
            throw new IllegalArgumentException("E=" + routing.experts() + " experts cannot be split over W=" + worldSize + " ranks");
        return Placement.staticMap(worldSize, routing.experts() / worldSize);
    }

    public Routing routing() { return routing; }

    public FMatrixRMaj input() { return input; }

    public Placement placement() { return placement; }

    /** Where this step's rows go: per owner slot, its expert and the rows it receives. */
    public SlotRoute route() { return route; }

    /** Forward rows for the owner rank {@code owner}: this rank's tokens routed to its experts, in the owner's block. */
    public ExpertRows dispatchTo(int owner) {
        checkRank(owner);
        return Dispatch.gather(routing, input, route, owner, buffers.blocks[owner], buffers.counts[owner]);
    }

    /** Records the expert outputs {@code owner} returned for {@link #dispatchTo(int)}. */
    public void acceptOutputs(int owner, ExpertRows block) {
        checkOwner(owner, outputs, "expert outputs");
        checkCounts(owner, block);
        outputs[owner] = block;
    }

    /** {@code out[s] = Σ_j w_j·f_{e_j}(x[s])}, summed in expert order. Needs every owner's outputs. */
    public FMatrixRMaj combine() {
        FMatrixRMaj out = Buffers.reshape(buffers.output, routing.tokens(), input.numCols);
        out.zero();
        addInExpertOrder(outputs, "expert outputs", true, out);
        return out;
    }

    /**
     * Adds every slot's rows of {@code blocks} onto their tokens, expert by expert and each
     * expert's replicas in replica order: the order of the sums depends on the routing and on how
     * many replicas each expert has, never on which ranks hold them. (Under the static map it is
     * owner-rank order, row by row.)
     */
    private void addInExpertOrder(ExpertRows[] blocks, String what, boolean scaleByWeight, FMatrixRMaj target) {
        for (int owner = 0; owner < worldSize; owner++) require(blocks, owner, what);
        int perRank = route.slotsPerRank();
        for (int flat : route.slotsInExpertOrder()) {
            int owner = flat / perRank, slot = flat % perRank;
            Combine.scatterAdd(routing, route.firstAssignment(owner, slot), blocks[owner].rows(), route.firstRow(owner, slot),
                    route.count(owner, slot), scaleByWeight, target);
        }
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
        return Combine.backward(routing, route, owner, require(outputs, owner, "expert outputs"), dOut,
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
     * expert order, like {@link #combine}. Needs every owner's input gradients.
     */
    public void addInputGradients(FMatrixRMaj dx) {
        if (dx.numRows != routing.tokens() || dx.numCols != input.numCols)
            throw new IllegalArgumentException("input gradient is " + dx.numRows + "x" + dx.numCols
                    + " but the input is " + routing.tokens() + "x" + input.numCols);
        addInExpertOrder(inputGradients, "input gradients", false, dx);
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
        if (block.experts() != route.slotsPerRank())
            throw new IllegalArgumentException("rank " + owner + " answered for " + block.experts()
                    + " expert slots but holds " + route.slotsPerRank());
        if (block.rows().numCols != input.numCols)
            throw new IllegalArgumentException("rank " + owner + " answered rows of width " + block.rows().numCols
                    + ", expected M=" + input.numCols);
        for (int l = 0; l < route.slotsPerRank(); l++) {
            if (block.counts()[l] != route.count(owner, l))
                throw new IllegalArgumentException("rank " + owner + " answered " + block.counts()[l]
                        + " rows for expert " + route.expert(owner, l) + " in its slot " + l + " but "
                        + route.count(owner, l) + " were sent");
        }
    }

    private static ExpertRows require(ExpertRows[] slots, int owner, String what) {
        if (slots[owner] == null) throw new IllegalStateException("no " + what + " from rank " + owner + " yet");
        return slots[owner];
    }
}
