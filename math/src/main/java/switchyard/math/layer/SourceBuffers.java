package switchyard.math.layer;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;

/**
 * What the token side of one rank's step writes ({@link SourceStep}): per owner rank one block of
 * rows with its row counts — lent to the owner with the dispatch, coming back with its outputs,
 * lent again with the output gradients and coming back with the input gradients — and the
 * combined output [S × M], the input gradient [S × M] and {@code dLoss/dw} [S·k].
 */
public final class SourceBuffers {
    FMatrixRMaj[] blocks = new FMatrixRMaj[0];
    int[][] counts = new int[0][];
    final FMatrixRMaj output = new FMatrixRMaj(0, 0);
    final FMatrixRMaj inputGradient = new FMatrixRMaj(0, 0);
    float[] weightGradients;

    /** Sizes the per-owner arrays for {@code worldSize} owners of {@code localExperts} experts and the per-choice array. */
    void shape(int worldSize, int localExperts, int choices) {
        if (blocks.length != worldSize) {
            blocks = new FMatrixRMaj[worldSize];
            for (int d = 0; d < worldSize; d++) blocks[d] = new FMatrixRMaj(0, 0);
        }
        if (counts.length != worldSize || (worldSize > 0 && counts[0].length != localExperts)) counts = new int[worldSize][localExperts];
        weightGradients = Buffers.floats(weightGradients, choices);
    }

    /** Overwrites everything with NaN or -1 (see {@code BufferPool}). */
    public void poison() {
        for (FMatrixRMaj b : blocks) Buffers.poison(b);
        for (int[] c : counts) Buffers.poison(c);
        Buffers.poison(output);
        Buffers.poison(inputGradient);
        Buffers.poison(weightGradients);
    }
}
