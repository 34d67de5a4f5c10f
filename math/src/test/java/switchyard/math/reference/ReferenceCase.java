package switchyard.math.reference;

import com.google.gson.annotations.SerializedName;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * One parsed MoE top-2 reference case (see {@code moe-vectors/README.md}). All reals are the
 * file's exact binary64 values; arrays are copied in and out, so a case is immutable and can be
 * shared between tests. Obtain cases from {@link ReferenceCases}, which also validates every
 * shape against the header.
 *
 * @param worldSize        W, number of ranks
 * @param localExperts     L, experts per rank
 * @param numExperts       E = W·L
 * @param tokensPerRank    S
 * @param dModel           M
 * @param dHidden          H
 * @param capacity         C, slots per expert per source rank
 * @param alpha            weight of {@code l_aux} in the loss
 * @param loss             total loss over all ranks
 * @param tolerance        the file's tolerance, meant for float64 implementations; float32 ones
 *                         use {@link Tolerance#FLOAT32}
 * @param gateWeight       [M][E], replicated on every rank
 * @param experts          E entries, index = global expert id
 * @param ranks            W entries, index = rank
 * @param gradGateWeightSum [M][E] Σ over ranks of {@link RankCase#gradGateWeight()}
 * @param expertGrads      E entries, gradients accumulated over the tokens of all ranks
 * @param drops            the file's {@code summary} drop counts
 */
public record ReferenceCase(String name, String description, int seed, int worldSize, int localExperts,
                            int numExperts, int tokensPerRank, int dModel, int dHidden, int capacity,
                            String capacityRule, double alpha, double loss, Tolerance tolerance,
                            double[][] gateWeight, List<ExpertTensors> experts, List<RankCase> ranks,
                            double[][] gradGateWeightSum, List<ExpertTensors> expertGrads,
                            @SerializedName("summary") DropCounts drops) {

    public ReferenceCase {
        gateWeight = Copies.of(gateWeight);
        gradGateWeightSum = Copies.of(gradGateWeightSum);
        experts = experts == null ? null : List.copyOf(experts);
        ranks = ranks == null ? null : List.copyOf(ranks);
        expertGrads = expertGrads == null ? null : List.copyOf(expertGrads);
    }

    @Override
    public double[][] gateWeight() {
        return Copies.of(gateWeight);
    }

    @Override
    public double[][] gradGateWeightSum() {
        return Copies.of(gradGateWeightSum);
    }

    public RankCase rank(int r) {
        return ranks.get(r);
    }

    /** {@code a} rounded to float32 as an [rows×cols] matrix. */
    public static FMatrixRMaj toF32(double[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        FMatrixRMaj m = new FMatrixRMaj(a.length, cols);
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != cols) {
                throw new IllegalArgumentException("ragged matrix: row " + i + " has " + a[i].length
                        + " entries, row 0 has " + cols);
            }
            for (int j = 0; j < cols; j++) {
                m.data[i * cols + j] = (float) a[i][j];
            }
        }
        return m;
    }

    /** {@code v} rounded to float32 as a [1×n] row matrix (the shape of a bias). */
    public static FMatrixRMaj toF32(double[] v) {
        FMatrixRMaj m = new FMatrixRMaj(1, v.length);
        for (int j = 0; j < v.length; j++) {
            m.data[j] = (float) v[j];
        }
        return m;
    }

    @Override
    public String toString() {
        return name; // parametrized test names; the default would print every array reference
    }
}
