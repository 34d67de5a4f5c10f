package switchyard.math.reference.v3;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.ExpertGrads;

import java.util.List;

/**
 * What an implementation under test produced for a v3 case, in a form the oracle, the rank actors
 * and the cluster can all fill in, so one checker serves them all.
 *
 * @param expertLoad         every rank's selections per expert, summed (token choice), else null
 * @param selectionBiasAfter the selection bias after its update, or null without one
 */
public record V3Result(List<Rank> ranks, List<ExpertGrads> expertGrads, long[] expertLoad, float[] selectionBiasAfter) {

    /**
     * One rank's results. Routing arrays are flat with choice j of token s at {@code s·k + j} (for
     * expert choice k = E and choice e is expert e); {@code keptGroups} flat [S·TG] or null.
     */
    public record Rank(int k, int[] expert, int[] slot, boolean[] kept, float[] weight, int[] selections, int[] keptGroups,
                       float lAux, FMatrixRMaj output, FMatrixRMaj gradInput, FMatrixRMaj gradGateWeight,
                       List<ExpertGrads> gradSharedExperts) {}
}
