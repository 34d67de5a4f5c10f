package switchyard.actors.protocol;

import switchyard.math.gate.Routing;

/**
 * What one rank measured in one step: losses, load, drops, traffic and time.
 *
 * @param tokens           S, tokens on this rank
 * @param taskLoss         the objective's loss on this rank's output
 * @param lAux             raw {@code l_aux}
 * @param zLoss            raw router z-loss
 * @param routerLoss       weighted router losses added to the loss
 * @param capacity         C for this rank's tokens
 * @param tokensPerExpert  kept assignments per expert (E entries)
 * @param droppedPerChoice dropped assignments per choice (k entries)
 * @param droppedTokens    tokens with no kept choice
 * @param rowsSent         {@code rowsSent[p][d]}: rows this rank sent to rank d in exchange phase p
 *                         (0 dispatch, 1 expert output, 2 output gradient, 3 input gradient)
 * @param bytesSent        the same in payload bytes, including message headers
 * @param phaseNanos       wall time spent in each {@link Phase} on this rank (by ordinal)
 * @param selections       choices per expert before capacity (E entries): the load the selection bias balances
 * @param groupsSpanned    tokens whose k experts fall in exactly n groups, at index n (G + 1 entries);
 *                         empty without a group limit
 * @param selectionBias    the selection bias the step chose with (E entries); empty without one
 */
public record StepReport(int tokens, double taskLoss, float lAux, float zLoss, float routerLoss, int capacity,
                         int[] tokensPerExpert, int[] droppedPerChoice, int droppedTokens,
                         int[][] rowsSent, long[][] bytesSent, long[] phaseNanos, int[] selections, int[] groupsSpanned,
                         float[] selectionBias) {
    /** Number of exchange phases in {@link #rowsSent}. */
    public static final int EXCHANGES = Exchange.values().length;

    /** The report of a step whose tokens were routed by {@code r}; load and drops come from the routing. */
    public static StepReport of(Routing r, double taskLoss, int[][] rowsSent, long[][] bytesSent, long[] phaseNanos) {
        int[] perExpert = new int[r.experts()];
        for (int e = 0; e < perExpert.length; e++) perExpert[e] = r.tokensAt(e);
        int[] dropped = new int[r.topK()];
        for (int j = 0; j < dropped.length; j++) dropped[j] = r.dropped(j);
        int[] spanned = r.groupsSpanned();
        return new StepReport(r.tokens(), taskLoss, r.lAux(), r.zLoss(), r.routerLoss(), r.capacity(), perExpert, dropped,
                r.droppedTokens(), rowsSent, bytesSent, phaseNanos, r.selections(), spanned == null ? new int[0] : spanned,
                r.selectionBias() == null ? new float[0] : r.selectionBias());
    }
}
