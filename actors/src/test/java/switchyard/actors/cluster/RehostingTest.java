package switchyard.actors.cluster;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a lost node's ranks go, computed by hand. */
class RehostingTest {
    @Test
    void theLostRanksAreDealtToTheSurvivingSlotsInRankOrder() {
        // ranks 0..5 in their own slots; slots 1, 2 and 4 were on the lost node; slots 0, 3, 5 survive
        Map<Integer, Integer> own = Map.of(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
        Map<Integer, Integer> next = Rehosting.after(own, Set.of(1, 2, 4)::contains);
        assertEquals(Map.of(0, 0, 1, 0, 2, 3, 3, 3, 4, 5, 5, 5), next);
    }

    @Test
    void ranksAlreadyAdoptedMoveAgainWhenTheirAdopterIsLost() {
        // rank 1 runs in slot 0 since an earlier loss; now slot 0's node is lost too: ranks 0 and 1 go to slot 2
        Map<Integer, Integer> hostOf = Map.of(0, 0, 1, 0, 2, 2);
        assertEquals(Map.of(0, 2, 1, 2, 2, 2), Rehosting.after(hostOf, Set.of(0, 1)::contains));
    }

    @Test
    void withNoSurvivingSlotThereIsNowhereToGo() {
        assertEquals(Map.of(), Rehosting.after(Map.of(0, 0, 1, 1), slot -> true));
    }
}
