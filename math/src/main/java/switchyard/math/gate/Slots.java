package switchyard.math.gate;

/**
 * Queue positions. Choice 0 of every token queues first, then choice 1 of every token, and so on;
 * within a choice, tokens queue in token order (or the given priority order). So a second choice
 * waits behind <i>all</i> first choices of its expert, dropped ones included — the reference rule
 * {@code slot2 = count1[e2] + earlier second choices of e2}.
 */
final class Slots {
    private Slots() {}

    /**
     * Fills {@code slot} (flat [S·k]) and returns {@code count1}, the first-choice count per expert.
     *
     * @param order token priority order, or null for token order
     */
    static int[] assign(int[] expert, int tokens, int k, int experts, int[] order, int[] slot) {
        int[] queued = new int[experts];
        int[] firstChoiceCounts = null;
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < tokens; t++) {
                int s = order == null ? t : order[t];
                int i = s * k + j;
                slot[i] = queued[expert[i]]++;
            }
            if (j == 0) firstChoiceCounts = queued.clone();
        }
        return firstChoiceCounts == null ? new int[experts] : firstChoiceCounts;
    }
}
