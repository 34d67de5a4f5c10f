package switchyard.actors.sim;

import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;
import switchyard.actors.report.RunSummary;
import switchyard.actors.report.Sizes;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;

/** Human-readable progress: one line per update, the traffic matrix, a closing summary table and the digest line. */
public final class StepPrinter {
    /** Up to this many experts the per-step line lists every expert's tokens; beyond it min / mean / max. */
    private static final int LISTED_EXPERTS = 16;

    private final PrintWriter out;
    private final SimulationOptions options;
    private final NetworkModel network;
    private final boolean verbose;

    public StepPrinter(PrintWriter out, SimulationOptions options, NetworkModel network, boolean verbose) {
        this.out = out;
        this.options = options;
        this.network = network;
        this.verbose = verbose;
    }

    /**
     * The run's shape, network model and matrix kernel ({@code kernel}: what runs the products, so
     * a reader knows their precision), then the column heads.
     */
    /**
     * @param kernel  the matrix kernel, with why AMX is not in use when it is not
     * @param experts what the expert products run on, at which precision
     */
    public void header(boolean routingOnly, String kernel, String experts) {
        header(routingOnly, kernel, experts, java.util.List.of());
    }

    /** @param notes more "name: value" lines about the run, before the column heads (a study's placement, its estimates) */
    public void header(boolean routingOnly, String kernel, String experts, java.util.List<String> notes) {
        String shared = options.sharedExperts() == 0 ? ""
                : String.format(Locale.ROOT, ", %d shared expert%s (H=%d)", options.sharedExperts(), options.sharedExperts() == 1 ? "" : "s",
                options.sharedHiddenDim());
        // a skewed task makes hot experts on purpose: say so, since its imbalance is not the router's doing
        String skew = options.skew() == 0 ? "" : String.format(Locale.ROOT, ", clusters skewed Zipf Z=%s of K=%d", options.skew(), options.clusters());
        out.printf(Locale.ROOT, "switchyard simulate%s: W=%d ranks x L=%d experts (E=%d), S=%d tokens/rank, M=%d, H=%d, %s%s, %d steps, seed %d%s%n",
                routingOnly ? " --routing-only" : "", options.worldSize(), options.localExperts(), options.experts(), options.tokens(),
                options.modelDim(), options.hiddenDim(), options.routing().describe(), shared, options.steps(), options.seed(), skew);
        out.printf("network model: %s%n", network);
        out.printf("matrix kernel: %s%n", kernel);
        if (!routingOnly) out.printf("expert products: %s; exchanged rows: %s%n", experts, options.exchange().rows().label());
        for (String note : notes) out.println(note);
        out.printf(Locale.ROOT, "%5s %10s %10s %8s %9s %8s %10s %8s %9s  %s%n", "step", "loss", "l_aux", "dropped", "load max", "rank imb",
                "bytes", "ms", "est. ms", "tokens per expert");
        out.flush();
    }

    public synchronized void step(StepMetrics m) {
        // %g: with thousands of experts l_aux is about 1/E², and a routing-only loss is weight·l_aux
        out.printf(Locale.ROOT, "%5d %10.5g %10.4g %7.2f%% %8.2fC %8.3f %10s %8.1f %9.3f  %s%n", m.update() + 1, m.loss(), m.lAux(),
                m.droppedPercent(), m.maxLoad(), m.rankLoadImbalance(), Sizes.bytes(m.totalBytes()), m.wallNanos() / 1e6,
                network.estimate(m).stepSeconds() * 1e3, experts(m.tokensPerExpert()));
        if (verbose || options.worldSize() <= 4) out.printf("      dispatch rows rank->rank %s%n", matrix(m.rows()[0]));
        if (verbose) {
            for (Exchange x : Exchange.values()) out.printf("      %s bytes %s%n", x.label(), matrix(m.bytes()[x.ordinal()]));
            out.printf("      phase ms per rank %s%n", phases(m));
        }
        out.flush();
    }

    /**
     * A placement taking effect: the first in a line of its own (its text when short), a re-plan as
     * the update it follows, the policy and what it expects of the averaged load before and after.
     */
    public synchronized void placement(PlacedRouting.Change c) {
        String text = c.placement().toString();
        String shown = text.length() <= 160 ? text : "(" + text.length() + " characters; in the report's metrics.jsonl)";
        if (c.initial()) {
            out.printf("placement: %s%n", shown);
        } else {
            out.printf(Locale.ROOT, "      re-plan after update %d: %s, expected rank load imbalance %.3f -> %.3f%s%n", c.firstUpdate(),
                    c.policy(), c.expectedBefore(), c.expectedAfter(), c.changed() ? "; placement " + shown : " (placement unchanged)");
        }
        out.flush();
    }

    /** An elastic run recovered from a lost node: one line, as it happens. */
    public void recovered(switchyard.actors.driver.Recovered r) {
        out.println("recovered: " + r);
        out.flush();
    }

    public void summary(RunListener.Outcome outcome) {
        var steps = outcome.steps();
        if (!steps.isEmpty()) {
            out.println();
            out.print(RunSummary.of(steps, network).table());
            if (options.worldSize() <= 16 || verbose) {
                StepMetrics last = steps.get(steps.size() - 1);
                out.printf("traffic matrix of the last step (rows rank->rank):%n");
                for (Exchange x : Exchange.values()) out.printf("  %-13s %s%n", x.label(), matrix(last.rows()[x.ordinal()]));
            }
        }
        out.printf(Locale.ROOT, "wall time       %.2f s%n", outcome.wallNanos() / 1e9);
        if (!outcome.succeeded()) {
            out.println("FAILED: " + outcome.failure());
        } else if (outcome.digest() != null) {
            out.println("digest: " + outcome.digest());
        }
        out.flush();
    }

    private static String experts(long[] tokens) {
        if (tokens.length <= LISTED_EXPERTS) return Arrays.toString(tokens);
        long min = Long.MAX_VALUE, max = 0, sum = 0;
        for (long t : tokens) {
            min = Math.min(min, t);
            max = Math.max(max, t);
            sum += t;
        }
        return String.format(Locale.ROOT, "min %d, mean %.1f, max %d", min, (double) sum / tokens.length, max);
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
