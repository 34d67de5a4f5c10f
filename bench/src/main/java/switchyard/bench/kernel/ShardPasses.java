package switchyard.bench.kernel;

import org.ejml.data.FMatrixRMaj;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.linalg.MatMul;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Everything one pass needs, with pristine copies of the rows so every round starts from the same numbers. */
public final class ShardPasses {
    final ExpertShardBench.Shape shape;
    final ExpertShard shard;
    final List<ExpertRows> dispatch = new ArrayList<>(), dispatchPristine = new ArrayList<>();
    final List<ExpertRows> gradients = new ArrayList<>(), gradientsPristine = new ArrayList<>();
    final ExpertShard.Pass pass = new ExpertShard.Pass();
    final List<ExpertGrads> grads;
    /** Rows over all local experts: the expert products' m. */
    final long rows;
    /** Another rank's expert side that runs its passes at the same time as this one, on its own thread; or null. */
    final ShardPasses beside;
    /**
     * The thread this rank's passes run on when it is beside another: the same one every pass, as
     * a rank actor's, so that its kernel buffers stay grown.
     */
    private final java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rank-beside");
        t.setDaemon(true);
        return t;
    });

    public ShardPasses(ExpertShardBench.Shape s, long seed) {
        this(s, seed, 1);
    }

    /**
     * {@code ranks} ranks' expert sides whose passes run at the same time, one thread each, on
     * one kernel: two ranks in one JVM, whose products share the kernel's workers.
     */
    public ShardPasses(ExpertShardBench.Shape s, long seed, int ranks) {
        if (ranks < 1) throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
        beside = ranks > 1 ? new ShardPasses(s, seed + 1, ranks - 1) : null;
        shape = s;
        SplittableRandom random = new SplittableRandom(seed);
        List<Expert> experts = new ArrayList<>();
        for (int l = 0; l < s.localExperts(); l++) experts.add(Expert.initialised(s.modelDim(), s.hiddenDim(), random));
        shard = new ExpertShard(0, experts);
        grads = shard.newGrads();
        long total = 0;
        for (int[] c : ExpertShardBench.routedCounts(s, seed)) {
            ExpertRows d = rows(c, s.modelDim(), random), g = rows(c, s.modelDim(), random);
            dispatchPristine.add(d);
            gradientsPristine.add(g);
            dispatch.add(new ExpertRows(d.rows().copy(), c.clone()));
            gradients.add(new ExpertRows(g.rows().copy(), c.clone()));
            total += d.rows().numRows;
        }
        rows = total;
    }

    /** Floating-point work of the expert products of one pass (forward, or forward+backward). */
    public double flops(boolean backward) {
        return (backward ? 6 : 2) * 2.0 * rows * shape.modelDim() * shape.hiddenDim() + (beside == null ? 0 : beside.flops(backward));
    }

    /** Ranks whose passes run together. */
    int ranks() {
        return beside == null ? 1 : 1 + beside.ranks();
    }

    /** Back to the pristine rows and zero gradients: the work between rounds, untimed. */
    void reset() {
        for (int r = 0; r < dispatch.size(); r++) {
            FMatrixRMaj d = dispatchPristine.get(r).rows(), g = gradientsPristine.get(r).rows();
            System.arraycopy(d.data, 0, dispatch.get(r).rows().data, 0, d.getNumElements());
            System.arraycopy(g.data, 0, gradients.get(r).rows().data, 0, g.getNumElements());
        }
        for (ExpertGrads g : grads) g.zero();
        if (beside != null) beside.reset();
    }

    /** One timed pass (of every rank at once); returns its nanoseconds. */
    public long round(ExpertShardBench.Runner runner, MatMul mm, boolean backward) {
        reset();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> others = new ArrayList<>();
        for (ShardPasses other = beside; other != null; other = other.beside) {
            ShardPasses rank = other;
            others.add(other.thread.submit(() -> {
                go.await();
                rank.pass(runner, mm, backward);
                return null;
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        pass(runner, mm, backward);
        for (java.util.concurrent.Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a rank's pass failed", e.getCause());
            }
        }
        return System.nanoTime() - start;
    }

    private void pass(ExpertShardBench.Runner runner, MatMul mm, boolean backward) {
        runner.forward(shard, dispatch, pass, mm);
        if (backward) runner.backward(shard, pass, gradients, grads, mm);
    }

    /** Per-row digest of what the last round left: outputs (or input gradients) and the experts' gradients. */
    public int digest() {
        int h = 0;
        for (ExpertRows b : dispatch) h = 31 * h + Arrays.hashCode(b.rows().data);
        for (ExpertRows b : gradients) h = 31 * h + Arrays.hashCode(b.rows().data);
        for (ExpertGrads g : grads) {
            h = 31 * h + Arrays.hashCode(g.w1().data);
            h = 31 * h + Arrays.hashCode(g.b1().data);
            h = 31 * h + Arrays.hashCode(g.w2().data);
            h = 31 * h + Arrays.hashCode(g.b2().data);
        }
        return beside == null ? h : 31 * h + beside.digest();
    }

    private static ExpertRows rows(int[] counts, int cols, SplittableRandom random) {
        int n = 0;
        for (int c : counts) n += c;
        FMatrixRMaj m = new FMatrixRMaj(n, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return new ExpertRows(m, counts.clone());
    }
}
