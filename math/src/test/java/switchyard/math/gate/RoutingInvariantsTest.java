package switchyard.math.gate;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.testing.LayerFixture;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties every routing must have, over many random configurations. */
class RoutingInvariantsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void keptSlotsAreUniqueBelowCapacityAndNoExpertOverflows(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 25; trial++) {
            int experts = 2 + random.nextInt(7);
            int k = 1 + random.nextInt(Math.min(3, experts));
            int tokens = 1 + random.nextInt(40); // deliberately not a multiple of E
            int dim = 1 + random.nextInt(6);
            RoutingOptions.Builder b = RoutingOptions.builder().topK(k).randomTokenPriority(random.nextBoolean());
            if (random.nextBoolean()) b.capacityFactor(0.25 + random.nextDouble() * 2).minCapacity(random.nextInt(3));
            RoutingOptions options = b.build();
            Gate gate = new Gate(LayerFixture.gaussian(dim, experts, 1.0, random), options);
            Routing r = gate.route(LayerFixture.gaussian(tokens, dim, 1.0, random),
                    GateNoise.seeded(seed, trial, 0), true, new EjmlMatMul());

            String where = "trial " + trial + " (S=" + tokens + ", E=" + experts + ", k=" + k + ", C=" + r.capacity() + ")";
            int[] load = new int[experts];
            Set<Long> taken = new HashSet<>();
            for (int s = 0; s < tokens; s++) {
                Set<Integer> mine = new HashSet<>();
                for (int j = 0; j < k; j++) {
                    assertTrue(mine.add(r.expert(s, j)), where + ": token " + s + " chose an expert twice");
                    if (!r.kept(s, j)) {
                        assertEquals(0f, r.weight(s, j), where);
                        assertTrue(r.slot(s, j) >= r.capacity(), where + ": dropped although its slot fits");
                        continue;
                    }
                    load[r.expert(s, j)]++;
                    assertTrue(r.slot(s, j) < r.capacity(), where + ": kept slot " + r.slot(s, j) + " >= C");
                    assertTrue(taken.add((long) r.expert(s, j) << 32 | r.slot(s, j)),
                            where + ": slot " + r.slot(s, j) + " of expert " + r.expert(s, j) + " used twice");
                }
            }
            for (int e = 0; e < experts; e++) {
                assertTrue(load[e] <= r.capacity(), where + ": expert " + e + " got " + load[e] + " tokens");
                assertEquals(load[e], r.tokensAt(e), where);
                for (int slot = 0; slot < r.tokensAt(e); slot++) {
                    int flat = r.assignment(e, slot);
                    assertEquals(e, r.expert(flat / k, flat % k), where);
                    assertEquals(slot, r.slot(flat / k, flat % k), where);
                }
            }
        }
    }

    @Test
    void capacityIsFlooredWhenTokensDoNotDivideByExperts() {
        RoutingOptions ref = RoutingOptions.reference();
        assertEquals(5, ref.capacity(10, 4, true));  // 2·10/4 = 5
        assertEquals(3, ref.capacity(7, 4, true));   // 2·7/4 = 3.5 → 3
        assertEquals(4, ref.toBuilder().topK(1).build().capacity(9, 2, true)); // 9/2 → 4
        RoutingOptions cf = ref.toBuilder().capacityFactor(1.25).evalCapacityFactor(2.0).minCapacity(4).build();
        assertEquals(7, cf.capacity(10, 4, true));   // ceil(2·1.25·10/4) = ceil(6.25)
        assertEquals(10, cf.capacity(10, 4, false)); // ceil(2·2·10/4)
        assertEquals(4, cf.capacity(2, 4, true));    // the minimum wins
        assertEquals(10, ref.toBuilder().dropless(true).build().capacity(10, 4, true));
    }

    @Test
    void denseViewsAgreeWithTheSparseRouting() {
        SplittableRandom random = new SplittableRandom(3);
        Gate gate = new Gate(LayerFixture.gaussian(4, 4, 2.0, random), RoutingOptions.reference());
        Routing r = gate.route(LayerFixture.gaussian(10, 4, 1.0, random), GateNoise.seeded(3, 0, 0), true, new EjmlMatMul());
        FMatrixRMaj combine = r.denseCombine();
        FMatrixRMaj dispatch = r.denseDispatch();
        assertEquals(r.experts() * r.capacity(), combine.numCols);
        for (int s = 0; s < r.tokens(); s++) {
            double rowSum = 0;
            for (int c = 0; c < combine.numCols; c++) {
                rowSum += combine.get(s, c);
                assertEquals(combine.get(s, c) != 0f ? 1f : 0f, dispatch.get(s, c));
            }
            double expected = 0;
            for (int j = 0; j < 2; j++) {
                expected += r.weight(s, j);
                if (r.kept(s, j)) assertEquals(r.weight(s, j), combine.get(s, r.expert(s, j) * r.capacity() + r.slot(s, j)));
            }
            assertEquals(expected, rowSum, 1e-6);
        }
    }
}
