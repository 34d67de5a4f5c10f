package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.linalg.MatMul;
import switchyard.math.optim.Param;
import switchyard.math.tensor.Rows;

import java.util.ArrayList;
import java.util.List;

/**
 * The expert side of the all-to-all: the {@code L} experts one rank owns. Given the rows every
 * source rank sent, it runs each local expert <b>once</b> on all of its rows (stacked in source-rank
 * order, whatever order they arrived in), then cuts the results back into one block per source.
 * The oracle and the rank actors both use it, so they compute exactly the same thing.
 */
public final class ExpertShard {
    private final int firstExpert;
    private final List<Expert> experts;

    public ExpertShard(int firstExpert, List<Expert> experts) {
        if (experts.isEmpty()) throw new IllegalArgumentException("a shard needs at least one expert");
        this.firstExpert = firstExpert;
        this.experts = List.copyOf(experts);
    }

    /** Global id of local expert 0. */
    public int firstExpert() { return firstExpert; }

    public int size() { return experts.size(); }

    public Expert expert(int local) { return experts.get(local); }

    public List<Expert> experts() { return experts; }

    /** One forward pass of the shard, kept for its backward. */
    public record Pass(List<Expert.Activations> activations, int[][] counts, List<ExpertRows> outputs) {}

    /**
     * Forward over the blocks from every source ({@code fromSources.get(r)} came from rank r).
     * {@link Pass#outputs()} holds one block per source in the same layout as its input.
     */
    public Pass forward(List<ExpertRows> fromSources, MatMul mm) {
        int[][] counts = countsOf(fromSources, "dispatch");
        List<Expert.Activations> activations = new ArrayList<>(size());
        for (int l = 0; l < size(); l++) {
            activations.add(experts.get(l).forward(stack(fromSources, counts, l), mm));
        }
        List<FMatrixRMaj> outputs = new ArrayList<>(size());
        for (Expert.Activations a : activations) outputs.add(a.output());
        return new Pass(activations, counts, unstack(outputs, counts));
    }

    /**
     * Backward from the output gradients each source sent back along the forward route; adds the
     * experts' parameter gradients to {@code grads} (one per local expert) and returns the input
     * gradients per source.
     */
    public List<ExpertRows> backward(Pass pass, List<ExpertRows> gradientsFromSources, List<ExpertGrads> grads, MatMul mm) {
        if (grads.size() != size())
            throw new IllegalArgumentException(grads.size() + " gradient holders for " + size() + " experts");
        int[][] counts = countsOf(gradientsFromSources, "output gradient");
        for (int r = 0; r < counts.length; r++) {
            if (!java.util.Arrays.equals(counts[r], pass.counts()[r]))
                throw new IllegalArgumentException("source rank " + r + " sent output gradients for "
                        + java.util.Arrays.toString(counts[r]) + " rows but the forward pass had "
                        + java.util.Arrays.toString(pass.counts()[r]));
        }
        List<FMatrixRMaj> inputGradients = new ArrayList<>(size());
        for (int l = 0; l < size(); l++) {
            FMatrixRMaj dy = stack(gradientsFromSources, counts, l);
            inputGradients.add(experts.get(l).backward(pass.activations().get(l), dy, grads.get(l), mm));
        }
        return unstack(inputGradients, counts);
    }

    /** The experts' parameters paired with {@code grads}, named {@code expert<e>.W1} etc. by global id, for an optimizer. */
    public List<Param> params(List<ExpertGrads> grads) {
        List<Param> params = new ArrayList<>(4 * size());
        for (int l = 0; l < size(); l++) {
            Expert e = experts.get(l);
            ExpertGrads g = grads.get(l);
            String name = "expert" + (firstExpert + l) + ".";
            params.add(new Param(name + "W1", e.w1(), g.w1()));
            params.add(new Param(name + "b1", e.b1(), g.b1()));
            params.add(new Param(name + "W2", e.w2(), g.w2()));
            params.add(new Param(name + "b2", e.b2(), g.b2()));
        }
        return params;
    }

    /** Zero gradients for every local expert. */
    public List<ExpertGrads> newGrads() {
        List<ExpertGrads> grads = new ArrayList<>(size());
        for (Expert e : experts) grads.add(e.newGrads());
        return grads;
    }

    private int[][] countsOf(List<ExpertRows> blocks, String what) {
        int[][] counts = new int[blocks.size()][];
        for (int r = 0; r < blocks.size(); r++) {
            ExpertRows b = blocks.get(r);
            if (b.experts() != size())
                throw new IllegalArgumentException(what + " from source rank " + r + " covers " + b.experts()
                        + " experts but this shard holds " + size());
            counts[r] = b.counts();
        }
        return counts;
    }

    /** Rows of local expert {@code l} from every source, in source-rank order, copied once. */
    private FMatrixRMaj stack(List<ExpertRows> blocks, int[][] counts, int l) {
        int rows = 0;
        for (int[] c : counts) rows += c[l];
        FMatrixRMaj out = new FMatrixRMaj(rows, experts.get(l).modelDim());
        int at = 0;
        for (int r = 0; r < blocks.size(); r++) {
            ExpertRows block = blocks.get(r);
            Rows.copy(block.rows(), block.firstRowOf(l), out, at, counts[r][l]);
            at += counts[r][l];
        }
        return out;
    }

    /** Inverse of {@link #stack}: per-expert results back into one block per source, copied once. */
    private static List<ExpertRows> unstack(List<FMatrixRMaj> perExpert, int[][] counts) {
        int cols = perExpert.get(0).numCols;
        int[] consumed = new int[perExpert.size()];
        List<ExpertRows> out = new ArrayList<>(counts.length);
        for (int[] sourceCounts : counts) {
            int rows = 0;
            for (int c : sourceCounts) rows += c;
            FMatrixRMaj block = new FMatrixRMaj(rows, cols);
            int at = 0;
            for (int l = 0; l < perExpert.size(); l++) {
                Rows.copy(perExpert.get(l), consumed[l], block, at, sourceCounts[l]);
                consumed[l] += sourceCounts[l];
                at += sourceCounts[l];
            }
            out.add(new ExpertRows(block, sourceCounts));
        }
        return out;
    }
}
