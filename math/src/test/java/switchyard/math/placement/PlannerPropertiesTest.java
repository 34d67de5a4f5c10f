package switchyard.math.placement;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the planners promise over many seeded loads, and what they do not: greedy usually beats the
 * static map and always does on skewed loads with spares, but it is a heuristic and can lose to a
 * static map that happens to be balanced already ({@link #greedyCanLoseToALuckyStaticMap}).
 */
class PlannerPropertiesTest {
    private static final int SEEDS = 200;
    private static final int[] RANKS = {1, 2, 3, 4, 8, 16};
    private static final Planner GREEDY = new GreedyPlanner();

    @Test
    void greedyCanLoseToALuckyStaticMap() {
        // W=2 L=3 R=0, loads [3, 3, 0, 2, 2, 2]: static r0 = 3 + 3 + 0 = 6, r1 = 6, perfect.
        // Greedy: e0 → r0 [3]; e1 → r1 [3]; e3 → r0 [5] (tie, lower rank); e4 → r1 [5]; e5 → r0 [7], full;
        // e2 → r1 [5]. The classic LPT trap: 7 / 6.
        double[] loads = {3, 3, 0, 2, 2, 2};
        Placement noSpare = GREEDY.plan(loads, 2, 3, 0);
        assertEquals("W=2 L=3 R=0 | 0 3 5 | 1 2 4", noSpare.toString());
        assertEquals(7.0 / 6, Imbalance.expected(noSpare, loads), 1e-12);
        assertEquals(1.0, Imbalance.expected(Placement.staticMap(2, 3), loads));
        // A spare slot per rank does not rescue it. Spares: e0 (3, tie with e1: lower id) → 1.5, then e1 → 1.5.
        // Items e3 2, e4 2, e5 2, e0 1.5 ×2, e1 1.5 ×2, e2 0. e3 → r0 [2]; e4 → r1 [2]; e5 → r0 [4];
        // e0 → r1 [3.5]; e0 → r1 [5]; e1 → r0 [5.5]; e1 → r1 [6.5], full; e2 → r0 [5.5]. 6.5 / 6.
        Placement oneSpare = GREEDY.plan(loads, 2, 3, 1);
        assertEquals("W=2 L=3 R=1 | 1 2 3 5 | 0 0 1 4", oneSpare.toString());
        assertEquals(13.0 / 12, Imbalance.expected(oneSpare, loads), 1e-12);
    }

    @Test
    void onSkewedLoadsGreedyWithSparesBeatsStaticAndWithoutIsNeverWorse() {
        // Zipf loads (exponent 1.2, the issue's --skew) in a random order over the experts.
        for (int seed = 0; seed < SEEDS; seed++) {
            Random random = new Random(seed);
            int w = RANKS[1 + random.nextInt(RANKS.length - 1)];
            int l = 1 + random.nextInt(4);
            int r = 1 + random.nextInt(2);
            double[] loads = shuffled(zipf(w * l, 1.2), random);
            String label = "seed " + seed + ": W=" + w + " L=" + l + " R=" + r;
            double fixed = Imbalance.expected(Placement.staticMap(w, l), loads);
            assertTrue(Imbalance.expected(GREEDY.plan(loads, w, l, r), loads) < fixed, label);
            assertTrue(Imbalance.expected(GREEDY.plan(loads, w, l, 0), loads) <= fixed + 1e-12, label + " without spares");
        }
    }

    @Test
    void onAnyLoadsTheBusiestRankStaysWithinOneReplicaOfTheMean() {
        // Mixed shapes: uniform, Zipf of any exponent, small integers (ties), sparse with zeros.
        // The bound max ≤ mean + (1 − 1/W)·(heaviest replica) is list scheduling's; we have not proved
        // it for packing with a fixed number of slots per rank, but it held on 200,000 random cases.
        // Corollary: greedy can only lose to static where static is itself within that bound.
        int losses = 0;
        double greedySum = 0;
        double staticSum = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            MixedCase c = MixedCase.of(seed);
            int w = c.w(), l = c.l(), r = c.r();
            double[] loads = c.loads();
            String label = "seed " + seed + ": W=" + w + " L=" + l + " R=" + r;

            Placement p = GREEDY.plan(loads, w, l, r);
            assertEquals(p, GREEDY.plan(loads.clone(), w, l, r), label + ": not deterministic");
            double[] rank = Imbalance.rankLoads(p, loads);
            double max = 0;
            double total = 0;
            for (double x : rank) {
                max = Math.max(max, x);
                total += x;
            }
            double heaviestReplica = 0;
            for (int e = 0; e < loads.length; e++) heaviestReplica = Math.max(heaviestReplica, loads[e] / p.replicas(e));
            assertTrue(max <= total / w + (1 - 1.0 / w) * heaviestReplica + 1e-9 * (1 + total), label + ": " + p);

            double greedy = Imbalance.expected(p, loads);
            double fixed = Imbalance.expected(Placement.staticMap(w, l), loads);
            if (greedy > fixed + 1e-12) {
                losses++;
                assertTrue(fixed < 1.06 && greedy - fixed <= 0.1 + 1e-12, label + ": greedy " + greedy + ", static " + fixed);
            }
            greedySum += greedy;
            staticSum += fixed;
        }
        // On these 200 seeds greedy loses to static 5 times (seeds 18, 73, 117, 177, 186, all with spares),
        // each time to a static map already within 6% of perfect, and by at most 0.1.
        assertEquals(5, losses);
        assertTrue(greedySum < staticSum, "mean imbalance greedy " + greedySum / SEEDS + ", static " + staticSum / SEEDS);
    }

    @Test
    void hierarchicalKeepsItsShapeAndOneNodeIsGreedy() {
        for (int seed = 0; seed < SEEDS; seed++) {
            MixedCase c = MixedCase.of(seed);
            int w = c.w(), l = c.l(), r = c.r();
            double[] loads = c.loads();
            int g = w % 2 == 0 ? w / 2 : w; // two nodes when W is even
            Planner hierarchical = new HierarchicalPlanner(g, w * l);
            Placement p = hierarchical.plan(loads, w, l, r);
            assertEquals(p, hierarchical.plan(loads.clone(), w, l, r), "seed " + seed);
            assertEquals(GREEDY.plan(loads, w, l, r), new HierarchicalPlanner(w, w * l).plan(loads, w, l, r), "seed " + seed);
            for (int e = 0; e < loads.length; e++)
                for (Slot s : p.slotsOf(e)) assertEquals(p.replica(e, 0).rank() / g, s.rank() / g, "seed " + seed + " " + p);
        }
    }

    @Test
    void replicationMinimisesTheHeaviestReplica() {
        // Exhaustive check on small cases: no way of handing out the spares gives a lower maximum.
        Random random = new Random(5);
        for (int trial = 0; trial < SEEDS; trial++) {
            int experts = 1 + random.nextInt(5);
            int spare = random.nextInt(6);
            double[] loads = new double[experts];
            for (int e = 0; e < experts; e++) loads[e] = random.nextInt(3) == 0 ? random.nextInt(4) : random.nextDouble() * 10;
            int[] counts = Replication.counts(loads, spare);
            int sum = 0;
            for (int c : counts) sum += c;
            assertEquals(experts + spare, sum);
            assertEquals(best(loads, new int[experts], 0, spare), heaviest(loads, counts), 1e-12, "trial " + trial);
        }
    }

    /** The lowest heaviest replica over every way of giving {@code left} more spares to experts {@code from..}. */
    private static double best(double[] loads, int[] extra, int from, int left) {
        if (from == loads.length - 1) {
            extra[from] = left;
            int[] counts = new int[loads.length];
            for (int e = 0; e < loads.length; e++) counts[e] = 1 + extra[e];
            return heaviest(loads, counts);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k <= left; k++) {
            extra[from] = k;
            best = Math.min(best, best(loads, extra, from + 1, left - k));
        }
        return best;
    }

    private static double heaviest(double[] loads, int[] counts) {
        double max = 0;
        for (int e = 0; e < loads.length; e++) max = Math.max(max, loads[e] / counts[e]);
        return max;
    }

    private static double[] zipf(int experts, double exponent) {
        double[] loads = new double[experts];
        for (int i = 0; i < experts; i++) loads[i] = 1000 / Math.pow(i + 1, exponent);
        return loads;
    }

    /** One seeded case of mixed loads: W from {@link #RANKS}, L in 1..4, R in 0..2. */
    private record MixedCase(int w, int l, int r, double[] loads) {
        static MixedCase of(int seed) {
            Random random = new Random(seed);
            int w = RANKS[random.nextInt(RANKS.length)];
            int l = 1 + random.nextInt(4);
            int r = random.nextInt(3);
            return new MixedCase(w, l, r, mixedLoads(w * l, random));
        }
    }

    private static double[] mixedLoads(int experts, Random random) {
        int shape = random.nextInt(4);
        double exponent = random.nextDouble() * 2;
        double[] loads = new double[experts];
        for (int e = 0; e < experts; e++) {
            loads[e] = switch (shape) {
                case 0 -> random.nextDouble() * 1000;
                case 1 -> 1000 / Math.pow(e + 1, exponent);
                case 2 -> random.nextInt(5);
                default -> random.nextDouble() < 0.3 ? 0 : random.nextDouble() * 100;
            };
        }
        return shuffled(loads, random);
    }

    private static double[] shuffled(double[] loads, Random random) {
        for (int i = loads.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = loads[i];
            loads[i] = loads[j];
            loads[j] = t;
        }
        return loads;
    }
}
