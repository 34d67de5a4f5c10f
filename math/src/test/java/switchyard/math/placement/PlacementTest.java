package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {

    @Test
    void theStaticMapPutsExpertEOnRankEOverLInSlotEModL() {
        Placement p = Placement.staticMap(3, 2); // E = 6
        assertEquals("W=3 L=2 R=0 | 0 1 | 2 3 | 4 5", p.toString());
        for (int e = 0; e < 6; e++) {
            assertEquals(List.of(new Slot(e / 2, e % 2)), p.slotsOf(e));
            assertEquals(1, p.replicas(e));
            assertEquals(e, p.expertIn(e / 2, e % 2));
        }
        assertArrayEquals(new int[] {2, 3}, p.expertsOn(1));
        assertEquals(6, p.experts());
        assertEquals(2, p.slotsPerRank());
        assertTrue(p.isStatic());
    }

    @Test
    void queriesOfAPlacementWithReplicas() {
        // W=2 L=2 R=1: E = 4, 3 slots per rank; expert 0 has three replicas, two of them on rank 1.
        Placement p = Placement.of(2, new int[] {0, 2, 3}, new int[] {0, 0, 1});
        assertEquals("W=2 L=2 R=1 | 0 2 3 | 0 0 1", p.toString());
        assertEquals(1, p.redundant());
        assertEquals(3, p.replicas(0));
        assertEquals(List.of(new Slot(0, 0), new Slot(1, 0), new Slot(1, 1)), p.slotsOf(0));
        assertEquals(new Slot(1, 1), p.replica(0, 2));
        assertEquals(List.of(new Slot(1, 2)), p.slotsOf(1));
        assertEquals(3, p.expertIn(0, 2));
        assertArrayEquals(new int[] {0, 0, 1}, p.expertsOn(1));
        assertArrayEquals(new int[] {0, 2, 3, 0, 0, 1}, p.slotExperts());
        assertFalse(p.isStatic());
    }

    @Test
    void equalPlacementsAreEqualAndTheirTextIsStable() {
        Placement a = Placement.of(2, new int[] {0, 2, 3}, new int[] {0, 0, 1});
        Placement b = new Placement(2, 2, 1, new int[] {0, 2, 3, 0, 0, 1});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.toString(), b.toString());
        assertNotEquals(a, Placement.of(2, new int[] {0, 2, 3}, new int[] {0, 1, 1}));
        assertNotEquals(Placement.staticMap(2, 2), Placement.staticMap(4, 1)); // same slots, other L
    }

    @Test
    void thePlacementKeepsItsOwnCopies() {
        int[] flat = {0, 1, 2, 3};
        Placement p = new Placement(2, 2, 0, flat);
        flat[0] = 3;
        p.slotExperts()[1] = 3;
        p.expertsOn(0)[0] = 3;
        assertEquals(Placement.staticMap(2, 2), p);
    }

    @Test
    void invalidPlacementsAreRefusedWithAReason() {
        assertMessage("every expert needs at least one slot; no slot holds expert 3",
                () -> Placement.of(2, new int[] {0, 1}, new int[] {2, 2}));
        assertMessage("every expert needs at least one slot; no slot holds experts 1, 2",
                () -> Placement.of(2, new int[] {0, 0, 3}, new int[] {3, 3, 0}));
        assertMessage("slot (1, 0) holds expert 4, outside 0..3",
                () -> Placement.of(2, new int[] {0, 1}, new int[] {4, 3}));
        assertMessage("slot (0, 1) holds expert -1, outside 0..3",
                () -> Placement.of(2, new int[] {0, -1}, new int[] {2, 3}));
        assertMessage("W=2 ranks of L+R=3 slots are 6 slots, but 5 were given",
                () -> new Placement(2, 2, 1, new int[] {0, 1, 2, 3, 0}));
        assertMessage("every rank has the same number of slots, but rank 0 has 2 and rank 1 has 3",
                () -> Placement.of(2, new int[] {0, 1}, new int[] {2, 3, 0}));
        assertMessage("a placement needs at least 1 rank, got W=0", () -> new Placement(0, 1, 0, new int[0]));
        assertMessage("a placement needs at least 1 expert per rank, got L=0", () -> new Placement(1, 0, 1, new int[] {0}));
        assertMessage("redundant experts per rank must be >= 0, got R=-1", () -> Placement.of(2, new int[] {0}));
        assertMessage("the static map needs W >= 1 and L >= 1, got W=2 L=0", () -> Placement.staticMap(2, 0));
    }

    @Test
    void queriesOutsideThePlacementAreRefused() {
        Placement p = Placement.staticMap(2, 2);
        assertMessage("rank 2 outside 0..1", () -> p.expertsOn(2));
        assertMessage("local slot 2 outside 0..1", () -> p.expertIn(0, 2));
        assertMessage("expert 4 outside 0..3", () -> p.slotsOf(4));
        assertMessage("expert 1 has 1 replica, no replica 1", () -> p.replica(1, 1));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void theTextReadsBackAsTheSamePlacement() {
        Placement replicated = Placement.of(2, new int[] {0, 2, 3}, new int[] {0, 0, 1});
        assertEquals(replicated, Placement.parse(replicated.toString()));
        assertEquals(Placement.staticMap(3, 2), Placement.parse("W=3 L=2 R=0 | 0 1 | 2 3 | 4 5"));
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("W=2 L=2 R=1 | 0 2 3"), "a rank missing");
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("W=2 L=2 R=1 | 0 2 | 0 0 1"), "a slot missing");
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("W=2 L=2 R=1 | 0 2 x | 0 0 1"), "not a number");
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("2 2 1 | 0 2 3 | 0 0 1"), "no sizes");
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("W=2 L=2 R=1 | 0 0 0 | 0 0 1"), "expert 2 and 3 nowhere");
    }
}
