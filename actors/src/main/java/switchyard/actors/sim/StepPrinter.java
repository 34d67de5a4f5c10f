package switchyard.actors.sim;

import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Phase;

import java.io.PrintWriter;
import java.util.Locale;

/** Human-readable progress: one line per update, the traffic matrix, a closing summary and the digest line. */
public final class StepPrinter {
    private static final String[] EXCHANGE = {"dispatch", "expert-output", "output-grad", "input-grad"};

    private final PrintWriter out;
    private final SimulationOptions options;
    private final boolean verbose;

    public StepPrinter(PrintWriter out, SimulationOptions options, boolean verbose) {
        this.out = out;
        this.options = options;
        this.verbose = verbose;
    }

    public void header() {
        out.printf(Locale.ROOT, "switchyard simulate: W=%d ranks x L=%d experts (E=%d), S=%d tokens/rank, M=%d, H=%d, top-%d, %d steps, seed %d%n",
                options.worldSize(), options.localExperts(), options.experts(), options.tokens(), options.modelDim(),
                options.hiddenDim(), options.routing().topK(), options.steps(), options.seed());
        out.printf(Locale.ROOT, "%5s %9s %8s %8s %9s %10s %8s  %s%n", "step", "loss", "l_aux", "dropped", "load max", "bytes",
                "ms", "tokens per expert");
        out.flush();
    }

    public synchronized void step(StepMetrics m) {
        out.printf(Locale.ROOT, "%5d %9.5f %8.5f %7.2f%% %8.2fC %10s %8.1f  %s%n", m.update() + 1, m.loss(), m.lAux(),
                droppedPercent(m), maxLoad(m), bytes(m.totalBytes()), m.wallNanos() / 1e6,
                java.util.Arrays.toString(m.tokensPerExpert()));
        if (verbose || options.worldSize() <= 4) out.printf("      dispatch rows rank->rank %s%n", matrix(m.rows()[0]));
        if (verbose) {
            for (int p = 0; p < EXCHANGE.length; p++) out.printf("      %s bytes %s%n", EXCHANGE[p], matrix(m.bytes()[p]));
            out.printf("      phase ms per rank %s%n", phases(m));
        }
        out.flush();
    }

    public void summary(RunListener.Outcome outcome) {
        var steps = outcome.steps();
        if (!steps.isEmpty()) {
            StepMetrics first = steps.get(0), last = steps.get(steps.size() - 1);
            double meanLoad = 0, worst = 0, dropped = 0, bytes = 0;
            long[] phase = new long[Phase.values().length];
            for (StepMetrics m : steps) {
                meanLoad += meanLoad(m);
                worst = Math.max(worst, maxLoad(m));
                dropped += droppedPercent(m);
                bytes += m.totalBytes();
                for (long[] rank : m.phaseNanos()) for (int p = 0; p < phase.length; p++) phase[p] += rank[p];
            }
            int n = steps.size();
            out.println();
            out.printf(Locale.ROOT, "loss            %.5f -> %.5f%n", first.loss(), last.loss());
            out.printf(Locale.ROOT, "expert load     mean %.2f, worst %.2f of capacity%n", meanLoad / n, worst);
            out.printf(Locale.ROOT, "dropped         %.2f%% of token choices%n", dropped / n);
            out.printf(Locale.ROOT, "bytes per step  %s%n", bytes(bytes / n));
            out.printf("time per phase  ");
            for (Phase p : Phase.values()) {
                if (phase[p.ordinal()] > 0)
                    out.printf(Locale.ROOT, "%s %.1f ms  ", p.name().toLowerCase(Locale.ROOT), phase[p.ordinal()] / 1e6 / n / options.worldSize());
            }
            out.println("(mean per rank per step)");
            out.printf("traffic matrix of the last step (rows rank->rank):%n");
            for (int p = 0; p < EXCHANGE.length; p++) out.printf("  %-13s %s%n", EXCHANGE[p], matrix(last.rows()[p]));
        }
        out.printf(Locale.ROOT, "wall time       %.2f s%n", outcome.wallNanos() / 1e9);
        if (outcome.succeeded()) {
            out.println("digest: " + outcome.digest());
        } else {
            out.println("FAILED: " + outcome.failure());
        }
        out.flush();
    }

    private double capacityTotal(StepMetrics m) {
        // capacity is per rank and per expert; every rank and micro-batch brings its own slots
        return (double) m.capacity() * options.worldSize() * options.microBatches();
    }

    private double maxLoad(StepMetrics m) {
        long max = 0;
        for (long t : m.tokensPerExpert()) max = Math.max(max, t);
        return max / capacityTotal(m);
    }

    private double meanLoad(StepMetrics m) {
        long sum = 0;
        for (long t : m.tokensPerExpert()) sum += t;
        return sum / (capacityTotal(m) * m.tokensPerExpert().length);
    }

    private double droppedPercent(StepMetrics m) {
        return 100.0 * m.droppedAssignments() / ((double) m.tokens() * options.routing().topK());
    }

    static String bytes(double b) {
        if (b >= 1 << 30) return String.format(Locale.ROOT, "%.2f GiB", b / (1 << 30));
        if (b >= 1 << 20) return String.format(Locale.ROOT, "%.2f MiB", b / (1 << 20));
        if (b >= 1 << 10) return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    private static String matrix(long[][] m) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < m.length; i++) {
            if (i > 0) sb.append(" | ");
            for (int j = 0; j < m[i].length; j++) sb.append(j > 0 ? " " : "").append(m[i][j]);
        }
        return sb.append(']').toString();
    }

    private static String phases(StepMetrics m) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < m.phaseNanos().length; r++) {
            sb.append("r").append(r).append("{");
            for (Phase p : Phase.values()) {
                long ns = m.phaseNanos()[r][p.ordinal()];
                if (ns > 0) sb.append(String.format(Locale.ROOT, " %s=%.1f", p.name().toLowerCase(Locale.ROOT), ns / 1e6));
            }
            sb.append(" } ");
        }
        return sb.toString();
    }
}
