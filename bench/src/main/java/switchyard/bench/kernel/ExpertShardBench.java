package switchyard.bench.kernel;

import org.ejml.data.FMatrixRMaj;
import switchyard.bench.layer.Median;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One rank's expert side ({@link ExpertShard}) on every source's rows, forward and
 * forward+backward, in two shapes of comparable work per assignment: coarse (few large experts)
 * and fine-grained (many small ones). The rate counts the expert products the shard runs (two per
 * expert forward, four more backward, 2·rows·M·H each) over the wall time of the whole pass, so
 * whatever the shard does between products (stacking rows, scratch, bias sums, hand-offs) counts
 * against it.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp dist/target/switchyard.jar
 * switchyard.bench.kernel.ExpertShardBench [kernels] [cycles] [ranks]}, e.g. {@code vector:2,vector:1 15}
 * (with ranks = 2, two ranks' expert sides run at once on one kernel, as in one JVM), or
 * {@code --profile [kernels] [seconds]} for where the time goes. Shapes and runners are measured in
 * cycles of one pass each (see {@link #run}), next to the FMA ceiling measured in the same cycle.
 */
public final class ExpertShardBench {
    private ExpertShardBench() {}

    /**
     * One rank's share of a layer: {@code localExperts} of the {@code experts}, with every one of
     * {@code world} sources routing {@code tokens} tokens to {@code topK} experts each.
     */
    public record Shape(String name, int experts, int localExperts, int modelDim, int hiddenDim, int tokens, int topK,
                        int world) {
        public Shape {
            if (localExperts < 1 || localExperts > experts || topK < 1 || topK > experts || world < 1 || tokens < 0)
                throw new IllegalArgumentException("bad expert-side shape " + this);
        }
    }

    /** L=4 local experts of E=8, H=2048, top-2: about 2048 rows per expert at W=2. */
    public static final Shape COARSE = new Shape("coarse", 8, 4, 512, 2048, 4096, 2, 2);
    /** L=32 local experts of E=64, H=256, top-8: about 1024 rows per expert at W=2. */
    public static final Shape FINE = new Shape("fine", 64, 32, 512, 256, 4096, 8, 2);

    /** How the shard's experts are run in one pass; the default runs them one by one, as the rank actors do. */
    public interface Runner {
        void forward(ExpertShard shard, List<ExpertRows> blocks, ExpertShard.Pass pass, MatMul mm);

        void backward(ExpertShard shard, ExpertShard.Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads, MatMul mm);
    }

    /** Expert by expert through {@link ExpertShard#forwardExpert} / {@link ExpertShard#backwardExpert}, each product shared out. */
    public static final Runner ONE_BY_ONE = new Runner() {
        @Override
        public void forward(ExpertShard shard, List<ExpertRows> blocks, ExpertShard.Pass pass, MatMul mm) {
            shard.startForward(blocks, pass);
            for (int l = 0; l < shard.size(); l++) shard.forwardExpert(l, blocks, pass, mm);
        }

        @Override
        public void backward(ExpertShard shard, ExpertShard.Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads, MatMul mm) {
            shard.startBackward(pass, blocks, grads);
            for (int l = 0; l < shard.size(); l++) shard.backwardExpert(l, pass, blocks, grads, mm);
        }
    };

    /** All local experts at once through {@link ExpertShard#forward} / {@link ExpertShard#backward}, side by side. */
    public static final Runner GROUPED = new Runner() {
        @Override
        public void forward(ExpertShard shard, List<ExpertRows> blocks, ExpertShard.Pass pass, MatMul mm) {
            shard.forward(blocks, pass, mm);
        }

        @Override
        public void backward(ExpertShard shard, ExpertShard.Pass pass, List<ExpertRows> blocks, List<ExpertGrads> grads, MatMul mm) {
            shard.backward(pass, blocks, grads, mm);
        }
    };

    /**
     * Rows each source sends rank 0's local experts ({@code [world][localExperts]}): every token
     * picks {@code topK} distinct experts uniformly, as a balanced router would on average.
     */
    public static int[][] routedCounts(Shape s, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] counts = new int[s.world()][s.localExperts()];
        int[] ids = new int[s.experts()];
        for (int r = 0; r < s.world(); r++) {
            for (int t = 0; t < s.tokens(); t++) {
                for (int e = 0; e < ids.length; e++) ids[e] = e;
                for (int k = 0; k < s.topK(); k++) {
                    int pick = k + random.nextInt(ids.length - k);
                    int e = ids[pick];
                    ids[pick] = ids[k];
                    ids[k] = e;
                    if (e < s.localExperts()) counts[r][e]++;
                }
            }
        }
        return counts;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--profile")) {
            String[] kernels = args.length > 1 ? args[1].split(",") : new String[] {"vector:2", "vector:1"};
            long nanos = (long) ((args.length > 2 ? Double.parseDouble(args[2]) : 3) * 1e9);
            profile(kernels, nanos, ONE_BY_ONE, "one-by-one");
            profile(kernels, nanos, GROUPED, "grouped");
            return;
        }
        String[] kernels = (args.length > 0 ? args[0] : "vector:2,vector:1").split(",");
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int ranks = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        run(List.of(COARSE, FINE), ranks, kernels, cycles, List.of(ONE_BY_ONE, GROUPED), List.of("one-by-one", "grouped"));
    }

    /**
     * Measures every shape × runner for each kernel and pass in cycles: a cycle measures the FMA
     * ceiling on the kernel's threads, then runs one timed pass of every shape × runner (starting
     * from a different one each cycle). On a shared machine the rate moves a lot within seconds,
     * so figures are compared within a cycle, a few seconds apart: the ratios printed are the
     * medians of per-cycle ratios. The cycles whose ceiling came within a tenth of the best one of
     * the run (the machine's quieter moments) are summarised again on their own.
     */
    public static void run(List<Shape> shapes, int ranks, String[] kernels, int cycles, List<Runner> runners, List<String> runnerNames) {
        List<ShardPasses> setups = new ArrayList<>();
        for (Shape s : shapes) setups.add(new ShardPasses(s, 11, ranks));
        if (ranks > 1) System.out.println(ranks + " ranks' expert sides at once, one thread each, on one kernel; rows are one rank's");
        for (ShardPasses setup : setups) {
            for (String kernel : kernels) {
                List<Integer> digests = new ArrayList<>();
                for (Runner runner : runners) {
                    setup.round(runner, MatMuls.byName(kernel), true);
                    digests.add(setup.digest());
                }
                if (digests.stream().distinct().count() != 1)
                    throw new IllegalStateException(setup.shape.name() + " on " + kernel + ": the runners computed different bits " + digests);
            }
        }
        System.out.println("every runner computed the same bits on every shape and kernel");
        int combos = setups.size() * runners.size();
        for (String kernel : kernels) {
            MatMul mm = MatMuls.byName(kernel);
            int threads = mm instanceof switchyard.math.linalg.PooledMatMul p ? p.threads() : 1;
            for (boolean backward : new boolean[] {false, true}) {
                double[][] rates = new double[combos][cycles]; // [shape * runners + runner][cycle]
                double[] ceilings = new double[cycles];
                for (int warm = 0; warm < 2; warm++) {
                    for (int c = 0; c < combos; c++) setups.get(c / runners.size()).round(runners.get(c % runners.size()), mm, backward);
                }
                for (int cycle = 0; cycle < cycles; cycle++) {
                    ceilings[cycle] = FmaCeiling.gflops(threads);
                    for (int i = 0; i < combos; i++) {
                        int c = (cycle + i) % combos;
                        ShardPasses setup = setups.get(c / runners.size());
                        rates[c][cycle] = setup.flops(backward) / setup.round(runners.get(c % runners.size()), mm, backward);
                    }
                }
                double best = Arrays.stream(ceilings).max().orElse(0);
                int[] quiet = java.util.stream.IntStream.range(0, cycles).filter(i -> ceilings[i] >= 0.9 * best).toArray();
                System.out.printf(Locale.ROOT, "%n%s %s: %d cycles, FMA ceiling on %d thread%s %s GFLOP/s; %d quiet cycles (ceiling within 10%% of the best)%n",
                        kernel, backward ? "forward+backward" : "forward", cycles, threads, threads == 1 ? "" : "s",
                        range(ceilings, "%.0f"), quiet.length);
                for (int[] subset : List.of(java.util.stream.IntStream.range(0, cycles).toArray(), quiet)) {
                    boolean all = subset != quiet;
                    if (!all && (quiet.length == 0 || quiet.length == cycles)) continue;
                    System.out.println(all ? "  all cycles:" : "  quiet cycles:");
                    for (int c = 0; c < combos; c++) {
                        ShardPasses setup = setups.get(c / runners.size());
                        double[] g = pick(rates[c], subset), share = ratios(g, pick(ceilings, subset));
                        System.out.printf(Locale.ROOT, "    %-6s L=%-2d H=%-4d rows=%-5d %-11s %-19s GFLOP/s  %-16s of the ceiling%n",
                                setup.shape.name(), setup.shape.localExperts(), setup.shape.hiddenDim(), setup.rows,
                                runnerNames.get(c % runners.size()), range(g, "%.1f"), range(share, "%.2f"));
                    }
                    int last = setups.size() - 1;
                    for (int r = 0; r < runners.size() && last > 0; r++) {
                        System.out.printf(Locale.ROOT, "    %s ÷ %s, %s, same cycle: %s%n", setups.get(last).shape.name(),
                                setups.get(0).shape.name(), runnerNames.get(r),
                                range(ratios(pick(rates[last * runners.size() + r], subset), pick(rates[r], subset)), "%.2f"));
                    }
                    for (int sh = 0; sh < setups.size(); sh++) {
                        for (int r = 1; r < runners.size(); r++) {
                            System.out.printf(Locale.ROOT, "    %s ÷ %s, %s, same cycle: %s%n", runnerNames.get(r), runnerNames.get(0),
                                    setups.get(sh).shape.name(), range(ratios(pick(rates[sh * runners.size() + r], subset),
                                            pick(rates[sh * runners.size()], subset)), "%.2f"));
                        }
                    }
                }
            }
        }
    }

    private static double[] pick(double[] values, int[] at) {
        double[] out = new double[at.length];
        for (int i = 0; i < at.length; i++) out[i] = values[at[i]];
        return out;
    }

    private static double[] ratios(double[] over, double[] under) {
        double[] out = new double[over.length];
        for (int i = 0; i < out.length; i++) out[i] = over[i] / under[i];
        return out;
    }

    /** "median [min-max]" of {@code values}. */
    private static String range(double[] values, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", Median.of(values), sorted[0], sorted[sorted.length - 1]);
    }

    /**
     * Where a pass's time goes, per shape and kernel: the share spent inside the products (timed one
     * by one around the kernel) and each kind of product's own rate; the rest of the wall time is
     * the shard's work between products.
     */
    static void profile(String[] kernels, long nanos, Runner runner, String runnerName) {
        for (Shape s : List.of(COARSE, FINE)) {
            ShardPasses setup = new ShardPasses(s, 11);
            for (String kernel : kernels) {
                ProfiledMatMul mm = new ProfiledMatMul(MatMuls.byName(kernel));
                setup.round(runner, mm, true);
                mm.reset();
                long wall = 0;
                int passes = 0;
                for (long until = System.nanoTime() + nanos; passes < 3 || System.nanoTime() < until; passes++) {
                    wall += setup.round(runner, mm, true);
                }
                System.out.printf(Locale.ROOT, "%s %s %s: %d fwd+bwd passes, %.1f ms each, %.1f GFLOP/s; products %.1f%% of the wall time (summed over threads), %d per pass%n",
                        s.name(), kernel, runnerName, passes, wall / 1e6 / passes, setup.flops(true) * passes / wall,
                        100.0 * mm.total() / wall, mm.calls() / passes);
                System.out.print(mm.report(passes));
            }
        }
    }

    /** Times every product by kind (operation and operand shapes up to the row count). */
    static final class ProfiledMatMul implements MatMul {
        private final MatMul inner;
        private final java.util.Map<String, double[]> kinds; // nanos, flops, calls; guarded by itself

        ProfiledMatMul(MatMul inner) {
            this.inner = inner;
            this.kinds = new java.util.TreeMap<>();
        }

        @Override
        public void runEach(int count, java.util.function.IntConsumer task) {
            inner.runEach(count, task);
        }

        void reset() {
            synchronized (kinds) {
                kinds.clear();
            }
        }

        long total() {
            synchronized (kinds) {
                return (long) kinds.values().stream().mapToDouble(v -> v[0]).sum();
            }
        }

        long calls() {
            synchronized (kinds) {
                return (long) kinds.values().stream().mapToDouble(v -> v[2]).sum();
            }
        }

        String report(int passes) {
            StringBuilder out = new StringBuilder();
            synchronized (kinds) {
                kinds.forEach((k, v) -> out.append(String.format(Locale.ROOT, "    %-34s %6.2f ms per pass  %6.1f GFLOP/s  %.0f calls%n",
                        k, v[0] / 1e6 / passes, v[1] / v[0], v[2] / passes)));
            }
            return out.toString();
        }

        private void timed(String kind, double flops, Runnable product) {
            long start = System.nanoTime();
            product.run();
            long took = System.nanoTime() - start;
            synchronized (kinds) {
                double[] v = kinds.computeIfAbsent(kind, x -> new double[3]);
                v[0] += took;
                v[1] += flops;
                v[2]++;
            }
        }

        @Override
        public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
            timed("mul rows x " + b.numRows + "x" + b.numCols, 2.0 * a.numRows * a.numCols * b.numCols, () -> inner.mul(a, b, c, accumulate));
        }

        @Override
        public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
            timed("mulTransA -> " + a.numCols + "x" + b.numCols, 2.0 * a.numRows * a.numCols * b.numCols, () -> inner.mulTransA(a, b, c, accumulate));
        }

        @Override
        public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) {
            timed("mulTransB rows x (" + b.numRows + "x" + b.numCols + ")T", 2.0 * a.numRows * a.numCols * b.numRows, () -> inner.mulTransB(a, b, c, accumulate));
        }

        @Override
        public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) {
            timed("mulBias" + (relu ? "Relu" : "") + " rows x " + b.numRows + "x" + b.numCols, 2.0 * a.numRows * a.numCols * b.numCols,
                    () -> inner.mulBias(a, b, bias, relu, c));
        }

        @Override
        public String name() {
            return "profiled " + inner.name();
        }
    }
}
