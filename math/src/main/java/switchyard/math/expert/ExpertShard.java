package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.linalg.MatMul;
import switchyard.math.optim.Param;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Rows;

import java.util.Arrays;
import java.util.List;

/**
 * The expert side of the all-to-all: the experts in one rank's slots (its {@code L} experts under
 * the static map; under a placement, whichever experts its {@code L + R} slots hold, an expert
 * possibly in two of them). Given the rows every
 * source rank sent, it runs each local expert <b>once</b> on all of its rows (stacked in source-rank
 * order, whatever order they arrived in), then cuts the results back into one block per source.
 * The oracle and the rank actors both use it, so they compute exactly the same thing.
 */
public final class ExpertShard {
    /** The logical expert in every slot. */
    private final int[] ids;
    private final List<Expert> experts;
    /** Every local expert, 0 … L−1: what the whole passes run. Never written after construction. */
    private final int[] all;

    /** Experts {@code firstExpert, firstExpert+1, …} in slots 0, 1, …: the static map's shard. */
    public ExpertShard(int firstExpert, List<Expert> experts) {
        this(consecutive(firstExpert, experts.size()), experts);
    }

    /** {@code experts.get(l)} is logical expert {@code ids[l]}, in slot {@code l}. */
    public ExpertShard(int[] ids, List<Expert> experts) {
        if (experts.isEmpty()) throw new IllegalArgumentException("a shard needs at least one expert");
        if (ids.length != experts.size())
            throw new IllegalArgumentException(ids.length + " expert ids for " + experts.size() + " experts");
        this.ids = ids.clone();
        this.experts = List.copyOf(experts);
        this.all = new int[experts.size()];
        for (int l = 0; l < all.length; l++) all[l] = l;
    }

    private static int[] consecutive(int first, int n) {
        int[] ids = new int[n];
        for (int l = 0; l < n; l++) ids[l] = first + l;
        return ids;
    }

    /** The logical (global) id of the expert in slot {@code l}. */
    public int expertId(int l) { return ids[l]; }

    public int size() { return experts.size(); }

    public Expert expert(int local) { return experts.get(local); }

    public List<Expert> experts() { return experts; }

    /**
     * What one forward pass of the shard keeps for its backward: per local expert the rows it ran
     * on (stacked from every source) and its hidden activations, and the row counts every source
     * sent. Reusable: the next forward into the same pass overwrites it.
     */
    public static final class Pass {
        private FMatrixRMaj[] inputs = new FMatrixRMaj[0];
        private FMatrixRMaj[] hidden = new FMatrixRMaj[0];
        private int[][] counts = new int[0][];

        /** Rows local expert {@code l} ran on, stacked in source-rank order. */
        public FMatrixRMaj input(int l) { return inputs[l]; }

        /** Hidden activations {@code relu(x·W1 + b1)} of local expert {@code l}. */
        public FMatrixRMaj hidden(int l) { return hidden[l]; }

        /** Local experts the pass covers. */
        public int experts() { return inputs.length; }

        /** Sizes the pass for {@code experts} local experts and {@code sources} sources. */
        private void shape(int experts, int sources) {
            if (inputs.length != experts) {
                inputs = new FMatrixRMaj[experts];
                hidden = new FMatrixRMaj[experts];
                for (int l = 0; l < experts; l++) {
                    inputs[l] = new FMatrixRMaj(0, 0);
                    hidden[l] = new FMatrixRMaj(0, 0);
                }
            }
            if (counts.length != sources || (sources > 0 && counts[0].length != experts)) counts = new int[sources][experts];
        }

        /** Overwrites everything with NaN or -1 (see {@code BufferPool}). */
        public void poison() {
            for (FMatrixRMaj m : inputs) Buffers.poison(m);
            for (FMatrixRMaj m : hidden) Buffers.poison(m);
            for (int[] c : counts) Buffers.poison(c);
        }
    }

    /**
     * Forward over the blocks from every source ({@code blocks.get(r)} came from rank r). Each block
     * is read, then overwritten with the outputs for its rows: block r then holds source r's
     * answer in the layout of its request, ready to travel back along the route in the very buffer
     * the request came in. {@code pass} keeps what the backward needs.
     */
    public void forward(List<ExpertRows> blocks, Pass pass, MatMul mm) {
        startForward(blocks, pass);
        forwardExperts(all, blocks, pass, mm);
    }

    /**
     * The first half of {@link #forward}, for a caller whose rows are still arriving: once every
     * block's row counts are known, checks them and sizes {@code pass}. Then {@link #forwardExpert}
     * runs each local expert as soon as its own rows from every source are in. Each expert runs
     * once on all of its rows, whatever else is still on the way, so the results are the same
     * bits as {@link #forward}'s.
     */
    public void startForward(List<ExpertRows> blocks, Pass pass) {
        pass.shape(size(), blocks.size());
        copyCounts(blocks, "dispatch", pass.counts);
    }

    /**
     * Several local experts' parts of {@link #forward}, each exactly as {@link #forwardExpert} runs
     * it, but side by side where the kernel has threads for that ({@link MatMul#runEach}): a small
     * expert's products are too short to share well between threads, and many of them one after
     * the other would spend much of their time handing parts over. For a caller with several
     * experts' rows in at once. {@code locals} must not repeat an expert; a rejected call leaves
     * every block as it was.
     */
    public void forwardExperts(int[] locals, List<ExpertRows> blocks, Pass pass, MatMul mm) {
        checkGroup(locals, blocks, pass.counts);
        mm.runEach(locals.length, i -> forwardExpert(locals[i], blocks, pass, mm));
    }

    /** Local expert {@code l}'s part of {@link #forward}: reads and overwrites only its own rows of each block. */
    public void forwardExpert(int l, List<ExpertRows> blocks, Pass pass, MatMul mm) {
        checkStarted(l, blocks, pass.counts);
        Expert expert = experts.get(l);
        FMatrixRMaj x = stack(blocks, pass.counts, l, pass.inputs[l]);
        Buffers.reshapeRows(pass.hidden[l], x.numRows, expert.hiddenDim()); // with the headroom of routed rows
        Scratch scratch = Scratch.take();
        try {
            FMatrixRMaj y = scratch.expertOutput(x.numRows, expert.modelDim());
            expert.forward(x, pass.hidden[l], y, mm);
            unstack(y, blocks, pass.counts, l);
        } finally {
            scratch.release();
        }
    }

    /**
     * Backward from the output gradients each source sent back along the forward route; adds the
     * experts' parameter gradients to {@code grads} (one per local expert) and overwrites each block
     * with the input gradients for its rows, to travel back to its source.
     */
    public void backward(Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads, MatMul mm) {
        startBackward(pass, blocks, grads);
        backwardExperts(all, pass, blocks, grads, mm);
    }

    /**
     * The first half of {@link #backward}, like {@link #startForward}: checks, once every block's
     * row counts are known, that they are the forward pass's, before any row is written.
     */
    public void startBackward(Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads) {
        if (grads.size() != size())
            throw new IllegalArgumentException(grads.size() + " gradient holders for " + size() + " experts");
        if (pass.experts() != size() || pass.counts.length != blocks.size())
            throw new IllegalArgumentException("output gradients from " + blocks.size() + " sources for a forward pass of "
                    + pass.counts.length + " sources and " + pass.experts() + " experts");
        for (int r = 0; r < blocks.size(); r++) {
            ExpertRows b = checkExperts(blocks.get(r), r, "output gradient");
            if (!Arrays.equals(b.counts(), pass.counts[r]))
                throw new IllegalArgumentException("source rank " + r + " sent output gradients for "
                        + Arrays.toString(b.counts()) + " rows but the forward pass had "
                        + Arrays.toString(pass.counts[r]));
        }
    }

    /**
     * Several local experts' parts of {@link #backward}, each exactly as {@link #backwardExpert}
     * runs it, side by side where the kernel has threads for that (see {@link #forwardExperts}).
     */
    public void backwardExperts(int[] locals, Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads, MatMul mm) {
        checkGroup(locals, blocks, pass.counts);
        mm.runEach(locals.length, i -> backwardExpert(locals[i], pass, blocks, grads, mm));
    }

    /** Local expert {@code l}'s part of {@link #backward}; its gradients go into {@code grads.get(l)} only. */
    public void backwardExpert(int l, Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads, MatMul mm) {
        checkStarted(l, blocks, pass.counts);
        Expert expert = experts.get(l);
        FMatrixRMaj x = pass.inputs[l];
        Scratch scratch = Scratch.take();
        try {
            FMatrixRMaj dy = stack(blocks, pass.counts, l, scratch.outputGradient(x.numRows, expert.modelDim()));
            FMatrixRMaj dx = scratch.inputGradient(x.numRows, expert.modelDim());
            expert.backward(x, pass.hidden[l], dy, grads.get(l), dx, scratch.hiddenGradient(x.numRows, expert.hiddenDim()), mm);
            unstack(dx, blocks, pass.counts, l);
        } finally {
            scratch.release();
        }
    }

    /**
     * Checks a group before any expert of it runs: experts running side by side each write their
     * own rows, so one listed twice would race with itself.
     */
    private void checkGroup(int[] locals, List<ExpertRows> blocks, int[][] counts) {
        boolean[] seen = new boolean[size()];
        for (int l : locals) {
            checkStarted(l, blocks, counts);
            if (seen[l]) throw new IllegalArgumentException("local expert " + l + " listed twice in " + Arrays.toString(locals));
            seen[l] = true;
        }
    }

    private void checkStarted(int l, List<ExpertRows> blocks, int[][] counts) {
        if (l < 0 || l >= size()) throw new IllegalArgumentException("local expert " + l + " of a shard of " + size());
        if (counts.length != blocks.size())
            throw new IllegalStateException(blocks.size() + " blocks for a pass started with " + counts.length + " sources");
    }

    /**
     * Slot {@code l}'s parameters paired with {@code grad}, named {@code expert<e>.W1} etc. by
     * global id, for an optimizer: each slot is stepped by its own optimizer, since two slots of
     * one expert would share names.
     */
    public List<Param> params(int l, ExpertGrads grad) {
        return paramsOf(ids[l], experts.get(l), grad);
    }

    /** Logical expert {@code id}'s parameters {@code expert} paired with {@code grad}, named as in any shard. */
    public static List<Param> paramsOf(int id, Expert expert, ExpertGrads grad) {
        return Expert.params(List.of(expert), List.of(grad), "expert", id);
    }

    /** Zero gradients for every local expert. */
    public List<ExpertGrads> newGrads() {
        return Expert.newGrads(experts);
    }

    /** Copies every block's row counts into {@code counts} [sources × L], checking that each covers this shard. */
    private void copyCounts(List<ExpertRows> blocks, String what, int[][] counts) {
        for (int r = 0; r < blocks.size(); r++) {
            System.arraycopy(checkExperts(blocks.get(r), r, what).counts(), 0, counts[r], 0, size());
        }
    }

    /** Checks a block before any is written, so that a rejected call leaves every block as it was. */
    private ExpertRows checkExperts(ExpertRows b, int source, String what) {
        if (b.experts() != size())
            throw new IllegalArgumentException(what + " from source rank " + source + " covers " + b.experts()
                    + " experts but this shard holds " + size());
        if (b.rows().numCols != experts.get(0).modelDim())
            throw new IllegalArgumentException(what + " from source rank " + source + " has rows of width "
                    + b.rows().numCols + " but the experts have M=" + experts.get(0).modelDim());
        return b;
    }

    /** Rows of local expert {@code l} from every block, in source-rank order, copied once into {@code into} (reshaped). */
    private FMatrixRMaj stack(List<ExpertRows> blocks, int[][] counts, int l, FMatrixRMaj into) {
        int rows = 0;
        for (int[] c : counts) rows += c[l];
        Buffers.reshapeRows(into, rows, experts.get(l).modelDim());
        int at = 0;
        for (int r = 0; r < blocks.size(); r++) {
            ExpertRows block = blocks.get(r);
            Rows.copy(block.rows(), block.firstRowOf(l), into, at, counts[r][l]);
            at += counts[r][l];
        }
        return into;
    }

    /** Inverse of {@link #stack}: local expert {@code l}'s result rows back into their places in every block, copied once. */
    private static void unstack(FMatrixRMaj perExpert, List<ExpertRows> blocks, int[][] counts, int l) {
        int at = 0;
        for (int r = 0; r < blocks.size(); r++) {
            ExpertRows block = blocks.get(r);
            Rows.copy(perExpert, at, block.rows(), block.firstRowOf(l), counts[r][l]);
            at += counts[r][l];
        }
    }
}
