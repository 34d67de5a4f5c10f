package switchyard.math.reference;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.RoutingOptions;

import java.util.List;

/**
 * What an implementation under test produced for a reference case, in a form every runtime (the
 * oracle, the actors, the cluster) can fill in, so one checker serves them all.
 *
 * @param ranks       per rank, in rank order
 * @param expertGrads per global expert
 */
public record ReferenceResult(List<Rank> ranks, List<ExpertGrads> expertGrads) {

    /**
     * One rank's results. Routing arrays are flat {@code [S·2]} with choice j of token s at {@code s·2+j}.
     */
    public record Rank(int[] expert, int[] slot, boolean[] kept, float[] weight, int[] firstChoiceCounts, float lAux,
                       FMatrixRMaj output, FMatrixRMaj gradInput, FMatrixRMaj gradGateWeight) {}

    /** The routing options that reproduce a case: the reference semantics with its alpha and capacity. */
    public static RoutingOptions optionsFor(ReferenceCase c) {
        RoutingOptions.Builder b = RoutingOptions.builder().auxLossWeight((float) c.alpha());
        if (!"2*S//E".equals(c.capacityRule())) b.fixedCapacity(c.capacity());
        return b.build();
    }
}
