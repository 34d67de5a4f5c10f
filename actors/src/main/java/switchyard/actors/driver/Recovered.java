package switchyard.actors.driver;

/**
 * An elastic run lost a node and goes on (sent by the cluster driver, which runs the recovery).
 *
 * @param node        the node lost
 * @param ranks       the ranks it hosted, now on the surviving nodes
 * @param updatesDone updates completed when it was lost
 * @param checkpoint  the checkpoint every rank restored (null: none was complete; the run started over)
 * @param restoredUpdates the updates that checkpoint holds (0 without one)
 * @param nanos       from the first sign of the loss until the restored run completed its first update
 */
public record Recovered(String node, int[] ranks, int updatesDone, String checkpoint, long restoredUpdates, long nanos)
        implements TrainingRun.Event {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "node %s lost after %d update%s (ranks %s moved to the surviving nodes); "
                        + "%s; recovery took %.1f s", node, updatesDone, updatesDone == 1 ? "" : "s",
                java.util.Arrays.toString(ranks).replaceAll("[\\[\\]]", ""),
                checkpoint == null ? "no checkpoint was complete: started over" : "restored the checkpoint after " + restoredUpdates
                        + " updates in " + checkpoint, nanos / 1e9);
    }
}
