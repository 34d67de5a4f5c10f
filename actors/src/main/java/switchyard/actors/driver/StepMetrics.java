package switchyard.actors.driver;

import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepReport;

import java.util.List;

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
 */
public record StepMetrics(int update, double loss, double taskLoss, double lAux, long tokens, int capacity, long slots,
                          long[] tokensPerExpert, long droppedAssignments, long droppedTokens,
                          long[][][] rows, long[][][] bytes, long[][] phaseNanos, long wallNanos) {

    /** Folds the reports of one update (every rank × micro-batch). */
    public static StepMetrics of(int update, int worldSize, int experts, List<RankReply.StepDone> done, long wallNanos) {
        double loss = 0, task = 0, aux = 0;
        long tokens = 0, slots = 0, droppedAssignments = 0, droppedTokens = 0;
        long[] perExpert = new long[experts];
        long[][][] rows = new long[StepReport.EXCHANGES][worldSize][worldSize];
        long[][][] bytes = new long[StepReport.EXCHANGES][worldSize][worldSize];
        long[][] nanos = new long[worldSize][Phase.values().length];
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
        }
        int n = Math.max(1, done.size());
        int capacity = done.isEmpty() ? 0 : done.get(0).report().capacity();
        return new StepMetrics(update, loss / n, task / n, aux / n, tokens, capacity, slots, perExpert, droppedAssignments,
                droppedTokens, rows, bytes, nanos, wallNanos);
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

    /** The fullest expert's load. */
    public double maxLoad() {
        long max = 0;
        for (long t : tokensPerExpert) max = Math.max(max, t);
        return slots == 0 ? 0 : (double) max / slots;
    }

    /** Bytes moved rank→rank in all phases of this update. */
    public long totalBytes() {
        long sum = 0;
        for (long[][] phase : bytes) for (long[] src : phase) for (long b : src) sum += b;
        return sum;
    }
}
