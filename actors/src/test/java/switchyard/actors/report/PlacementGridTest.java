package switchyard.actors.report;

import org.junit.jupiter.api.Test;
import switchyard.math.placement.Placement;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placement picture's cells, on placements small enough to check by hand. */
class PlacementGridTest {

    @Test
    void cellsHoldTheExpertAndMarkTheReplicas() {
        // W=2 L=2 R=1, E=4: expert 0 in three slots (two of them on rank 1), experts 1, 2 and 3 in one each
        PlacementGrid g = PlacementGrid.of(Placement.of(2, new int[] {0, 2, 3}, new int[] {0, 0, 1}));
        assertEquals(2, g.ranks());
        assertEquals(3, g.slotsPerRank());
        assertArrayEquals(new int[] {0, 2, 3}, g.experts()[0]);
        assertArrayEquals(new int[] {0, 0, 1}, g.experts()[1]);
        assertArrayEquals(new int[] {3, 1, 1}, g.replicas()[0]);
        assertArrayEquals(new int[] {3, 3, 1}, g.replicas()[1]);
        assertTrue(g.replicated(0, 0) && g.replicated(1, 0) && g.replicated(1, 1));
        assertFalse(g.replicated(0, 1) || g.replicated(0, 2) || g.replicated(1, 2));
    }

    @Test
    void theStaticMapHasNoReplicas() {
        PlacementGrid g = PlacementGrid.of(Placement.staticMap(3, 2));
        assertArrayEquals(new int[] {4, 5}, g.experts()[2]);
        for (int r = 0; r < 3; r++) assertArrayEquals(new int[] {1, 1}, g.replicas()[r]);
        for (int r = 0; r < 3; r++) assertFalse(g.replicated(r, 0) || g.replicated(r, 1));
    }

    @Test
    void onlyAPlacementThatMovedExpertsIsDrawn() {
        PlacementChange fixed = new PlacementChange(0, Placement.staticMap(2, 2));
        PlacementChange moved = new PlacementChange(2, Placement.of(2, new int[] {1, 0}, new int[] {2, 3}));
        assertFalse(PlacementChange.anyMoved(List.of(fixed)));
        assertFalse(PlacementChange.anyMoved(List.of()));
        assertTrue(PlacementChange.anyMoved(List.of(fixed, moved)));
    }

    @Test
    void manyPlacementsAreThinnedToTheFirstTheLastAndEvenlyBetween() {
        // 15 changes, indices round(i·14/4) = 0, 4 (3.5 rounds up), 7, 11, 14: updates 0, 8, 14, 22, 28
        List<PlacementChange> changes = new ArrayList<>();
        for (int u = 0; u < 30; u += 2) changes.add(new PlacementChange(u, Placement.staticMap(1, 1)));
        List<Integer> drawn = PlacementPlots.chosen(changes).stream().map(PlacementChange::update).toList();
        assertEquals(List.of(0, 8, 14, 22, 28), drawn);
        assertEquals(changes.subList(0, 3), PlacementPlots.chosen(changes.subList(0, 3)));
    }
}
