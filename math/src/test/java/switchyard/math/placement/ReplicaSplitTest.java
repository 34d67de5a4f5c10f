package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static switchyard.math.placement.PlacementTest.assertMessage;

class ReplicaSplitTest {

    @Test
    void theLeftOverRowsStartAtTheSourcesOwnReplica() {
        // 7 rows over 3 replicas: 2 each and 1 left over, which goes to replica (source mod 3).
        assertArrayEquals(new int[] {3, 2, 2}, ReplicaSplit.counts(0, 7, 3));
        assertArrayEquals(new int[] {2, 3, 2}, ReplicaSplit.counts(1, 7, 3));
        assertArrayEquals(new int[] {2, 2, 3}, ReplicaSplit.counts(2, 7, 3));
        assertArrayEquals(new int[] {2, 3, 2}, ReplicaSplit.counts(4, 7, 3));
        // 8 rows: 2 left over, to replicas 2 and 0 for source 2.
        assertArrayEquals(new int[] {3, 2, 3}, ReplicaSplit.counts(2, 8, 3));
        assertArrayEquals(new int[] {0, 0, 0}, ReplicaSplit.counts(5, 0, 3));
        assertArrayEquals(new int[] {9}, ReplicaSplit.counts(5, 9, 1)); // one replica takes everything
    }

    @Test
    void replicasTakeContiguousBlocksInReplicaOrder() {
        // Source 1, 7 rows, counts [2, 3, 2]: rows 0-1 → replica 0, rows 2-4 → 1, rows 5-6 → 2.
        int[] expected = {0, 0, 1, 1, 1, 2, 2};
        for (int row = 0; row < 7; row++) assertEquals(expected[row], ReplicaSplit.replicaOf(1, row, 7, 3), "row " + row);
    }

    @Test
    void theCountsAreThoseOfDealingRoundRobinFromTheSourcesReplica() {
        for (int source = 0; source < 7; source++) {
            for (int replicas = 1; replicas <= 5; replicas++) {
                for (int rows = 0; rows < 23; rows++) {
                    int[] dealt = new int[replicas];
                    for (int k = 0; k < rows; k++) dealt[(source + k) % replicas]++;
                    assertArrayEquals(dealt, ReplicaSplit.counts(source, rows, replicas),
                            "source " + source + ", " + rows + " rows, " + replicas + " replicas");
                }
            }
        }
    }

    @Test
    void manySourcesWithOneRowEachSpreadOverTheReplicas() {
        // 4 sources send 1 row each to an expert with 2 replicas: sources 0, 2 → replica 0; 1, 3 → replica 1.
        int[] total = new int[2];
        for (int source = 0; source < 4; source++) {
            int[] c = ReplicaSplit.counts(source, 1, 2);
            total[0] += c[0];
            total[1] += c[1];
        }
        assertArrayEquals(new int[] {2, 2}, total);
    }

    @Test
    void rowsPerSlotAndPerRankUnderAPlacement() {
        Placement p = Placement.of(2, new int[] {0, 2, 3}, new int[] {0, 0, 1}); // e0 at (0,0), (1,0), (1,1)
        int[][] rows = {{7, 1, 0, 2}, {3, 0, 4, 1}}; // [source][expert]
        // e0: source 0's 7 rows → [3, 2, 2]; source 1's 3 rows → [1, 1, 1]. So (0,0) 4, (1,0) 3, (1,1) 3.
        // e1 at (1,2): 1 + 0. e2 at (0,1): 0 + 4. e3 at (0,2): 2 + 1.
        assertArrayEquals(new long[] {4, 4, 3, 3, 3, 1}, ReplicaSplit.rowsPerSlot(p, rows));
        assertArrayEquals(new long[] {11, 7}, ReplicaSplit.rowsPerRank(p, rows));
        assertArrayEquals(new int[] {3, 2, 2}, ReplicaSplit.counts(p, 0, 0, 7));
        assertEquals(11.0 / 9, Imbalance.of(ReplicaSplit.rowsPerRank(p, rows)), 1e-12); // 18 rows, mean 9
    }

    @Test
    void badInputsAreRefused() {
        assertMessage("an expert has at least 1 replica, got 0", () -> ReplicaSplit.counts(0, 3, 0));
        assertMessage("row count must be >= 0, got -1", () -> ReplicaSplit.counts(0, -1, 2));
        assertMessage("source rank must be >= 0, got -1", () -> ReplicaSplit.counts(-1, 3, 2));
        assertMessage("row 3 outside 0..2", () -> ReplicaSplit.replicaOf(0, 3, 3, 2));
        assertMessage("replica 2 outside 0..1", () -> ReplicaSplit.count(0, 3, 2, 2));
        Placement p = Placement.staticMap(2, 2);
        assertMessage("source rank 2 outside 0..1", () -> ReplicaSplit.counts(p, 2, 0, 3));
        assertMessage("rows from 1 sources for a placement of W=2", () -> ReplicaSplit.rowsPerSlot(p, new int[1][4]));
        assertMessage("source 1 has rows for 3 experts, not E=4", () -> ReplicaSplit.rowsPerSlot(p, new int[][] {new int[4], new int[3]}));
    }
}
