package switchyard.actors.driver;

import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepReport;
import switchyard.math.placement.Imbalance;
import switchyard.math.placement.Placement;
import switchyard.math.placement.ReplicaSplit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The driver's view of one update, summed over its micro-batches and ranks.
 *
 * @param update          0-based update index
 * @param loss            mean over ranks and micro-batches of task loss + router loss
 * @param taskLoss        mean task loss
 * @param lAux            mean raw {@code l_aux}
 * @param tokens          tokens processed, all ranks
 * @param capacity        per-rank capacity (of rank 0's first micro-batch)
 * @param slots           slots of one expert summed over ranks and micro-batches (each brings its own
 *                        capacity): the denominator of an expert's load
 * @param tokensPerExpert kept assignments per expert, summed over ranks
 * @param droppedAssignments dropped (token, choice) assignments, all ranks
 * @param droppedTokens   tokens with no kept choice, all ranks
 * @param rows            {@code rows[p][src][dst]}: rows sent in exchange phase p
 * @param bytes           the same in bytes
 * @param phaseNanos      {@code phaseNanos[rank][phase]}: wall time per rank and phase
 * @param wallNanos       wall time of the whole update as the driver saw it
 * @param balance         how the router balanced the load
 * @param rowsPerSlot     dispatched rows per physical expert slot, flat and rank-major (slot s of
 *                        rank r at r·(L+R)+s) under the update's placement; empty when unknown
 */
public record StepMetrics(int update, double loss, double taskLoss, double lAux, long tokens, int capacity, long slots,
                          long[] tokensPerExpert, long droppedAssignments, long droppedTokens,
                          long[][][] rows, long[][][] bytes, long[][] phaseNanos, long wallNanos, Balance balance,
                          long[] rowsPerSlot) {

    /** Without rows per slot (older metrics). */
    public StepMetrics(int update, double loss, double taskLoss, double lAux, long tokens, int capacity, long slots,
                       long[] tokensPerExpert, long droppedAssignments, long droppedTokens, long[][][] rows, long[][][] bytes,
                       long[][] phaseNanos, long wallNanos, Balance balance) {
        this(update, loss, taskLoss, lAux, tokens, capacity, slots, tokensPerExpert, droppedAssignments, droppedTokens, rows, bytes,
                phaseNanos, wallNanos, balance, new long[0]);
    }

    /**
     * The router's side of balance in one update.
     *
     * @param selections    choices per expert before capacity, all ranks (the load the selection bias balances)
     * @param selectionBias the selection bias the update's first step chose with; empty without one
     * @param groupsSpanned tokens whose k experts fall in exactly n groups, at index n; empty without groups
     */
    public record Balance(long[] selections, double[] selectionBias, long[] groupsSpanned) {
        public static Balance none(int experts) {
            return new Balance(new long[experts], new double[0], new long[0]);
        }

        /** {@link #groupsSpanned} as fractions of the tokens (empty without groups). */
        public double[] groupsSpannedFraction() {
            long total = 0;
            for (long n : groupsSpanned) total += n;
            double[] f = new double[groupsSpanned.length];
            for (int i = 0; i < f.length; i++) f[i] = total == 0 ? 0 : (double) groupsSpanned[i] / total;
            return f;
        }
    }

    /** Without balance figures (older metrics, tests). */
    public StepMetrics(int update, double loss, double taskLoss, double lAux, long tokens, int capacity, long slots,
                       long[] tokensPerExpert, long droppedAssignments, long droppedTokens, long[][][] rows, long[][][] bytes,
                       long[][] phaseNanos, long wallNanos) {
        this(update, loss, taskLoss, lAux, tokens, capacity, slots, tokensPerExpert, droppedAssignments, droppedTokens, rows, bytes,
                phaseNanos, wallNanos, Balance.none(tokensPerExpert.length));
    }

    /**
     * {@link #of(int, int, int, List, long)} with the rows each physical slot received under
     * {@code placement}, the update's: each source's rows for an expert split between its replicas
     * as the dispatch split them ({@link ReplicaSplit}).
     */
    public static StepMetrics of(int update, Placement placement, List<RankReply.StepDone> done, long wallNanos) {
        return fold(update, placement.ranks(), placement.experts(), done, wallNanos, rowsPerSlot(placement, done));
    }

    /** Each step's rows per slot by the split rule, from what each source kept for each expert, summed over the steps. */
    private static long[] rowsPerSlot(Placement placement, List<RankReply.StepDone> done) {
        long[] perSlot = new long[placement.ranks() * placement.slotsPerRank()];
        Map<Long, int[][]> bySteps = new TreeMap<>();
        for (RankReply.StepDone d : done) {
            int[][] rows = bySteps.computeIfAbsent(d.step(), s -> new int[placement.ranks()][]);
            if (d.rank() >= 0 && d.rank() < rows.length) rows[d.rank()] = d.report().tokensPerExpert();
        }
        for (int[][] rows : bySteps.values()) {
            for (int r = 0; r < rows.length; r++) if (rows[r] == null) rows[r] = new int[placement.experts()];
            long[] step = ReplicaSplit.rowsPerSlot(placement, rows);
            for (int i = 0; i < perSlot.length; i++) perSlot[i] += step[i];
        }
        return perSlot;
    }

    /** Folds the reports of one update (every rank × micro-batch). */
    public static StepMetrics of(int update, int worldSize, int experts, List<RankReply.StepDone> done, long wallNanos) {
        return fold(update, worldSize, experts, done, wallNanos, new long[0]);
    }

    private static StepMetrics fold(int update, int worldSize, int experts, List<RankReply.StepDone> done, long wallNanos,
                                    long[] rowsPerSlot) {
        double loss = 0, task = 0, aux = 0;
        long tokens = 0, slots = 0, droppedAssignments = 0, droppedTokens = 0;
        long[] perExpert = new long[experts];
        long[][][] rows = new long[StepReport.EXCHANGES][worldSize][worldSize];
        long[][][] bytes = new long[StepReport.EXCHANGES][worldSize][worldSize];
        long[][] nanos = new long[worldSize][Phase.values().length];
        long[] selections = new long[experts];
        long[] spanned = new long[0];
        double[] bias = new double[0];
        for (RankReply.StepDone d : done) {
            StepReport r = d.report();
            loss += r.taskLoss() + r.routerLoss();
            task += r.taskLoss();
            aux += r.lAux();
            tokens += r.tokens();
            slots += r.capacity();
            for (int e = 0; e < experts; e++) perExpert[e] += r.tokensPerExpert()[e];
            for (int dropped : r.droppedPerChoice()) droppedAssignments += dropped;
            droppedTokens += r.droppedTokens();
            for (int p = 0; p < StepReport.EXCHANGES; p++) {
                for (int dst = 0; dst < worldSize; dst++) {
                    rows[p][d.rank()][dst] += r.rowsSent()[p][dst];
                    bytes[p][d.rank()][dst] += r.bytesSent()[p][dst];
                }
            }
            for (int p = 0; p < nanos[d.rank()].length; p++) nanos[d.rank()][p] += r.phaseNanos()[p];
            for (int e = 0; e < experts && e < r.selections().length; e++) selections[e] += r.selections()[e];
            if (spanned.length != r.groupsSpanned().length) spanned = new long[r.groupsSpanned().length];
            for (int i = 0; i < spanned.length; i++) spanned[i] += r.groupsSpanned()[i];
            if (bias.length == 0 && r.selectionBias().length > 0) {
                bias = new double[r.selectionBias().length];
                for (int e = 0; e < bias.length; e++) bias[e] = r.selectionBias()[e];
            }
        }
        int n = Math.max(1, done.size());
        int capacity = done.isEmpty() ? 0 : done.get(0).report().capacity();
        return new StepMetrics(update, loss / n, task / n, aux / n, tokens, capacity, slots, perExpert, droppedAssignments,
                droppedTokens, rows, bytes, nanos, wallNanos, new Balance(selections, bias, spanned), rowsPerSlot);
    }

    public int worldSize() { return phaseNanos.length; }

    /** Kept (token, choice) assignments: what the experts processed. */
    public long keptAssignments() {
        long sum = 0;
        for (long t : tokensPerExpert) sum += t;
        return sum;
    }

    /** Dropped assignments as a percentage of all (token, choice) assignments. */
    public double droppedPercent() {
        long all = keptAssignments() + droppedAssignments;
        return all == 0 ? 0 : 100.0 * droppedAssignments / all;
    }

    /** Each expert's kept assignments as a fraction of its capacity (1 = full). */
    public double[] expertLoad() {
        double[] load = new double[tokensPerExpert.length];
        for (int e = 0; e < load.length; e++) load[e] = slots == 0 ? 0 : (double) tokensPerExpert[e] / slots;
        return load;
    }

    /** Mean of {@link #expertLoad()}. */
    public double meanLoad() {
        return tokensPerExpert.length == 0 || slots == 0 ? 0 : (double) keptAssignments() / slots / tokensPerExpert.length;
    }

    /**
     * How unevenly the experts were chosen: the most chosen expert's selections over the mean
     * (1 = perfectly even), before capacity.
     */
    public double selectionImbalance() {
        long max = 0, sum = 0;
        for (long s : balance.selections()) {
            max = Math.max(max, s);
            sum += s;
        }
        return sum == 0 ? 0 : (double) max * balance.selections().length / sum;
    }

    /** The fullest expert's load. */
    public double maxLoad() {
        long max = 0;
        for (long t : tokensPerExpert) max = Math.max(max, t);
        return slots == 0 ? 0 : (double) max / slots;
    }

    /**
     * Expert rows each rank received in the dispatch: the column sums of the dispatch rows matrix
     * (its own rows included), so all the work its expert slots had in this update.
     */
    public long[] rowsPerRank() {
        long[][] dispatch = rows[Exchange.DISPATCH.ordinal()];
        long[] received = new long[dispatch.length];
        for (long[] src : dispatch) for (int dst = 0; dst < received.length && dst < src.length; dst++) received[dst] += src[dst];
        return received;
    }

    /**
     * {@code rank_load_imbalance}: the busiest rank's expert rows over the mean over ranks (1 =
     * even, W = one rank does it all; 1 when there are no rows). The step waits for the busiest
     * rank, so this is what a placement tries to bring down; unlike {@link #selectionImbalance()} it
     * counts ranks, not experts, so it sees where the placement put the experts.
     */
    public double rankLoadImbalance() {
        return Imbalance.of(rowsPerRank()); // the planner's own measure, so planned and measured agree
    }

    /** Bytes moved rank→rank in all phases of this update. */
    public long totalBytes() {
        long sum = 0;
        for (long[][] phase : bytes) for (long[] src : phase) for (long b : src) sum += b;
        return sum;
    }
}
