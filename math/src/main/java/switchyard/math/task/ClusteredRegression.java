package switchyard.math.task;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.tensor.Buffers;
import switchyard.math.tensor.Rows;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The synthetic training task: tokens are drawn around K cluster centres, and the target of a token
 * from cluster k is {@code x·A_k} with a cluster-specific random linear map. A dense layer cannot
 * fit all K maps at once, experts can specialise on clusters, and the gate can learn which is which.
 * Clusters are equally frequent, or with a skew Z follow Zipf's law ({@link ClusterLaw}), so that a
 * few clusters, and the experts that learn them, carry most tokens.
 * Everything is a pure function of the seed, the rank and the step, so every node that is asked for
 * a batch produces the same one.
 */
public final class ClusteredRegression {
    /**
     * What defines the task; small enough to send instead of the data.
     *
     * @param skew Zipf exponent of the clusters' frequencies ({@link ClusterLaw}); 0 draws them uniformly
     */
    public record Spec(long seed, int clusters, int modelDim, int tokens, double skew) {
        public Spec {
            if (clusters < 1) throw new IllegalArgumentException("clusters must be >= 1, got " + clusters);
            if (modelDim < 1) throw new IllegalArgumentException("model dim must be >= 1, got " + modelDim);
            if (tokens < 1) throw new IllegalArgumentException("tokens must be >= 1, got " + tokens);
            ClusterLaw.requireExponent(skew);
            if (skew == 0) skew = 0; // -0.0 is the same task, and equal specs share a built task
        }

        /** Clusters drawn uniformly, as before there was a skew. */
        public Spec(long seed, int clusters, int modelDim, int tokens) {
            this(seed, clusters, modelDim, tokens, 0);
        }
    }

    /** One rank's batch: inputs and targets, both [S × M]. */
    public record Sample(FMatrixRMaj input, FMatrixRMaj target) {}

    private final Spec spec;
    private final ClusterLaw clusterLaw;
    private final FMatrixRMaj centres;   // [K × M]
    private final FMatrixRMaj[] maps;    // K of [M × M]

    public ClusteredRegression(Spec spec) {
        this.spec = spec;
        this.clusterLaw = new ClusterLaw(spec.clusters(), spec.skew());
        SplittableRandom random = new SplittableRandom(spec.seed() ^ 0x5DEECE66DL);
        int m = spec.modelDim();
        centres = gaussian(spec.clusters(), m, 2.0, random);
        maps = new FMatrixRMaj[spec.clusters()];
        for (int k = 0; k < spec.clusters(); k++) maps[k] = gaussian(m, m, 1.0 / Math.sqrt(m), random);
    }

    public Spec spec() { return spec; }

    /** Cluster k's linear map [M × M] (read-only: tests check targets against it). */
    FMatrixRMaj map(int k) { return maps[k]; }

    /** The batch of {@code rank} at {@code step}. */
    public Sample batch(int rank, long step) {
        return batch(rank, step, new FMatrixRMaj(spec.tokens(), spec.modelDim()), new FMatrixRMaj(spec.tokens(), spec.modelDim()));
    }

    /** The batch of {@code rank} at {@code step}, written into {@code input} and {@code target} (reshaped to S × M). */
    public Sample batch(int rank, long step, FMatrixRMaj input, FMatrixRMaj target) {
        int m = spec.modelDim();
        int[] cluster = new int[spec.tokens()];
        FMatrixRMaj x = draw(rank, step, cluster, Buffers.reshape(input, spec.tokens(), m));
        FMatrixRMaj y = Buffers.reshape(target, spec.tokens(), m);
        // Row-wise axpy (c outer, j inner): each y[s][j] still sums its M products in increasing c
        // with a separate multiply and add, exactly as a dot product would, so the data is
        // bit-for-bit the same on every machine; but the inner loop streams rows, on whole
        // vectors (the dot-product order walks a column of A, which is slow). Tokens of one
        // cluster go through in blocks, each row of A_k read once per block, not once per token.
        // The step's other ranks wait while a rank draws its batch, so drawing must be fast. The
        // sums start from zero, so a reused target is cleared first.
        float[] xd = x.data, yd = y.data;
        Arrays.fill(yd, 0, spec.tokens() * m, 0f);
        int[] byCluster = groupByCluster(cluster, spec.clusters());
        for (int first = 0; first < byCluster.length; ) {
            int k = cluster[byCluster[first]];
            int end = first + 1;
            while (end < byCluster.length && end - first < TOKENS_PER_BLOCK && cluster[byCluster[end]] == k) end++;
            float[] a = maps[k].data;
            int c = 0;
            for (; c + 4 <= m; c += 4) {
                for (int t = first; t < end; t++) {
                    int row = byCluster[t] * m;
                    Rows.addScaled4(a, c * m, m, xd[row + c], xd[row + c + 1], xd[row + c + 2], xd[row + c + 3], yd, row, m);
                }
            }
            for (; c < m; c++) {
                for (int t = first; t < end; t++) {
                    int row = byCluster[t] * m;
                    Rows.addScaled(a, c * m, xd[row + c], yd, row, m);
                }
            }
            first = end;
        }
        return new Sample(x, y);
    }

    /** Tokens whose target rows stay in L2 (256 KB at M=1024) while a row of A_k is read once for all of them. */
    private static final int TOKENS_PER_BLOCK = 64;

    /** Token indices ordered by cluster, and by index within a cluster (a counting sort). */
    private static int[] groupByCluster(int[] cluster, int clusters) {
        int[] start = new int[clusters + 1];
        for (int k : cluster) start[k + 1]++;
        for (int k = 0; k < clusters; k++) start[k + 1] += start[k];
        int[] order = new int[cluster.length];
        for (int s = 0; s < cluster.length; s++) order[start[cluster[s]]++] = s;
        return order;
    }

    /**
     * The inputs of {@link #batch} alone, [S × M], the very same rows: for studies of routing, which
     * never look at targets and need not pay their M×M product per token.
     */
    public FMatrixRMaj inputs(int rank, long step) {
        return draw(rank, step, new int[spec.tokens()], new FMatrixRMaj(spec.tokens(), spec.modelDim()));
    }

    /** Each token's cluster in the batch of {@code rank} at {@code step} (tests check the draw's law). */
    int[] clusterIds(int rank, long step) {
        int[] cluster = new int[spec.tokens()];
        draw(rank, step, cluster, new FMatrixRMaj(spec.tokens(), spec.modelDim()));
        return cluster;
    }

    /** Draws each token's cluster (into {@code cluster}) and its input row (into {@code x}, S × M). */
    private FMatrixRMaj draw(int rank, long step, int[] cluster, FMatrixRMaj x) {
        int m = spec.modelDim();
        SplittableRandom random = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + rank * 0xC2B2AE3D27D4EB4FL + step);
        for (int s = 0; s < spec.tokens(); s++) {
            int k = clusterLaw.draw(random); // one call on random, nextInt(K) without skew, as always
            cluster[s] = k;
            for (int c = 0; c < m; c++) x.data[s * m + c] = centres.data[k * m + c] + (float) (0.5 * gaussian(random));
        }
        return x;
    }

    private static FMatrixRMaj gaussian(int rows, int cols, double scale, SplittableRandom random) {
        FMatrixRMaj out = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < out.data.length; i++) out.data[i] = (float) (scale * gaussian(random));
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
